"""The record pages a Dynamic Forms local org starts with: valid on the schema, each of the kind it stands for."""

import re

import pytest

from email_privacy.metadata import documents
from email_privacy.metadata import flexipages as fp
from localorg.models import field_names
from localorg.models.seed import flexipages as seed
from tests.conftest import assert_valid

KINDS = {
    "Contact_Record_Page": ("dynamic_forms", "Contact", "Contact"),
    "Lead_Record_Page": ("dynamic_forms", "Lead", "Lead"),
    "Person_Account_Record_Page": ("person_account", "Account", "PersonAccount"),
    "Business_Account_Record_Page": ("business_account", "Account", None),
    "Contact_Record_Detail_Page": ("record_detail", "Contact", None),
}


def test_the_five_pages():
    assert set(seed.seed_pages()) == set(KINDS)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_page_is_valid_and_of_its_kind(name, xsd):
    data = seed.seed_pages()[name]
    assert_valid(xsd, data, name)
    page = fp.classify(documents.parse(data, name), name)
    assert (page.kind, page.sobject_type, page.target) == KINDS[name]
    ids = re.findall(rb"<identifier>([^<]*)</identifier>", data)
    assert len(ids) == len(set(ids)), "identifiers repeat"
    facets = set(re.findall(rb"<value>(Facet-[0-9a-f-]{36})</value>", data))
    regions = set(re.findall(rb"<name>(Facet-[0-9a-f-]{36})</name>", data))
    assert facets == regions, "a facet is named but not defined, or defined but not used"
    assert seed.seed_pages()[name] == data, "pages must be the same bytes on every call"


@pytest.mark.parametrize("name", [n for n, k in KINDS.items() if k[2]])
def test_target_pages_take_the_field_once(name, xsd):
    data = seed.seed_pages()[name]
    target = KINDS[name][2]
    new = fp.add_field(data, target, fp.INDIVIDUAL_FIELD[target], name)
    assert_valid(xsd, new, name)
    assert new.count(f"<fieldItem>Record.{fp.INDIVIDUAL_FIELD[target]}</fieldItem>".encode()) == 1
    assert fp.add_field(new, target, fp.INDIVIDUAL_FIELD[target], name) is None


def test_pages_name_only_fields_the_local_org_has():
    for name, data in seed.seed_pages().items():
        sobject = KINDS[name][1]
        known = field_names.STANDARD_FIELDS[sobject] | (
            field_names.PERSON_ACCOUNT_FIELDS if sobject == "Account" else set()
        )
        for field in re.findall(rb"<fieldItem>Record\.([^<]*)</fieldItem>", data):
            assert field.decode() in known, f"{name}: {sobject} has no field {field.decode()}"

"""The seeded org: realistic layouts and settings that the real Metadata API schema accepts."""

import time

import pytest
from lxml import etree

from localorg.models import seed as shapes
from localorg.models.field_names import layout_fields
from localorg.models.identity import OrgIdentity
from localorg.xml import MDAPI_NS
from tests.conftest import assert_valid

NS = {"m": MDAPI_NS}


def _fields(doc: bytes) -> list[str]:
    return etree.fromstring(doc).xpath("//m:layoutItems/m:field/text()", namespaces=NS)


def test_developer_edition_layout_names():
    names = {n.member for n in shapes.seed_layout_names(OrgIdentity())}
    for obj in ("Contact", "Lead", "Account"):
        assert {
            f"{obj}-{obj} Layout",
            f"{obj}-{obj} %28Marketing%29 Layout",
            f"{obj}-{obj} %28Sales%29 Layout",
            f"{obj}-{obj} %28Support%29 Layout",
        } <= names
    assert not any(n.startswith("PersonAccount-") for n in names)
    assert len(names) == 12


def test_person_account_layout_only_with_person_accounts():
    names = {n.member for n in shapes.seed_layout_names(OrgIdentity(person_accounts=True))}
    assert "PersonAccount-Person Account Layout" in names


def test_every_seeded_layout_is_valid_metadata(xsd):
    profile = OrgIdentity(person_accounts=True, managed_layouts=True, layouts_per_object=5)
    for name, doc in shapes.seed_layouts(profile).items():
        assert_valid(xsd, doc, name.member)


def test_seeded_layouts_use_only_fields_the_object_has_before_consent_management():
    profile = OrgIdentity(person_accounts=True, managed_layouts=True, layouts_per_object=3)
    for name, doc in shapes.seed_layouts(profile).items():
        allowed = layout_fields(name.object, profile, consent_management=False)
        assert set(_fields(doc)) <= allowed, name.member
        assert "IndividualId" not in _fields(doc) and "PersonIndividualId" not in _fields(doc)


def test_layouts_are_varied_like_real_ones():
    docs = shapes.seed_layouts(OrgIdentity(layouts_per_object=10))
    contact = [d for n, d in docs.items() if n.object == "Contact"]
    with_opt_out = [d for d in contact if "HasOptedOutOfEmail" in _fields(d)]
    assert 0 < len(with_opt_out) < len(contact), "Email Opt Out should be on some layouts and not on others"
    root = etree.fromstring(contact[0])
    styles = set(root.xpath("//m:layoutSections/m:style/text()", namespaces=NS))
    assert {"TwoColumnsTopToBottom", "OneColumn", "CustomLinks"} <= styles
    assert root.xpath("//m:relatedLists/m:relatedList", namespaces=NS)
    custom_links = root.xpath("//m:layoutSections[m:style='CustomLinks']", namespaces=NS)[0]
    assert not custom_links.xpath(".//m:field", namespaces=NS)


def test_layouts_per_object_300_is_fast_and_distinct():
    profile = OrgIdentity(layouts_per_object=300)
    start = time.monotonic()
    docs = shapes.seed_layouts(profile)
    assert time.monotonic() - start < 10
    assert len(docs) == 3 * (4 + 300)
    assert len({n.member for n in docs}) == len(docs)


def test_managed_layouts_two_packages_cross_package_and_odd_names():
    names = shapes.seed_layout_names(OrgIdentity(person_accounts=True, managed_layouts=True))
    for obj in ("Contact", "Lead", "PersonAccount"):
        ns = {n.namespace for n in names if n.object == obj}
        assert {"acme", "beta", None} <= ns, obj
    cross = [n for n in names if n.object.startswith("acme__") and n.namespace == "beta"]
    assert cross and cross[0].member == "acme__Donation__c-beta__Donation Intake Layout"
    labels = "".join(n.label for n in names)
    for ch in "()'&é製":
        assert ch in labels


@pytest.mark.parametrize("lightning", [True, False])
def test_settings_privacy_switches_off(xsd, lightning):
    docs = shapes.seed_settings(OrgIdentity(lightning=lightning))
    assert set(docs) == {"PartyDataModel", "EmailAdministration", "Activities", "LightningExperience"}
    for stem in ("PartyDataModel", "EmailAdministration", "Activities"):
        assert_valid(xsd, docs[stem], stem)  # the schema declares these three as global elements

    def value(stem, field):
        return etree.fromstring(docs[stem]).findtext(f"{{{MDAPI_NS}}}{field}")

    assert value("PartyDataModel", "enableConsentManagement") == "false"
    assert value("EmailAdministration", "enableEmailConsentManagement") == "false"
    assert value("Activities", "enableEmailTracking") == "false"
    assert value("LightningExperience", "enableS1DesktopEnabled") == str(lightning).lower()

"""Layout names: the listMetadata -> retrieve/deploy table, file names, display names."""

import pytest

from email_privacy.errors import EmailPrivacyError, OptionError
from email_privacy.metadata import names

# listMetadata entry -> the member name retrieve and deploy accept. Source of each rule in the comment.
RETRIEVE_TABLE = [
    # Unmanaged layout: fullName as is (docs/salesforce-facts.md, "Page layouts").
    (
        {
            "fullName": "Contact-Contact Layout",
            "fileName": "layouts/Contact-Contact Layout.layout",
            "namespacePrefix": "",
        },
        "Contact-Contact Layout",
    ),
    # Parentheses are %28 %29 in file names and members; spaces stay (docs/salesforce-facts.md; CumulusCI PR 1547).
    (
        {"fullName": "Lead-Lead %28Marketing%29 Layout", "fileName": "layouts/Lead-Lead %28Marketing%29 Layout.layout"},
        "Lead-Lead %28Marketing%29 Layout",
    ),
    # Managed layout on a standard object: listMetadata drops the layout's namespace after the
    # hyphen, retrieve needs it (MavensMate/issues/402; sfdx-hardis/issues/1533). Here fileName carries
    # it too, as some orgs report (salesforce.stackexchange 66027); many real replies drop it there as
    # well (see REAL_ORG_TABLE in tests/e2e/test_managed_layouts.py), so the namespacePrefix decides.
    (
        {
            "fullName": "Contact-Contact %28Individual%29 Layout",
            "fileName": "layouts/Contact-FinServ__Contact %28Individual%29 Layout.layout",
            "namespacePrefix": "FinServ",
        },
        "Contact-FinServ__Contact %28Individual%29 Layout",
    ),
    # Same without fileName: the namespacePrefix is added after the hyphen (MavensMate/issues/402).
    (
        {"fullName": "Contact-Contact %28Individual%29 Layout", "namespacePrefix": "FinServ"},
        "Contact-FinServ__Contact %28Individual%29 Layout",
    ),
    # Managed layout of a managed object, same package (sfdx-hardis/issues/1533: abc__Object-abc__Object Layout).
    ({"fullName": "acme__Policy__c-Policy Layout", "namespacePrefix": "acme"}, "acme__Policy__c-acme__Policy Layout"),
    # Cross-package: object from acme, layout from beta; the namespace added is the layout's own
    # (vscode-sfdx-hardis/issues/454 and its fix, PR 455).
    ({"fullName": "acme__Policy__c-Policy Entity", "namespacePrefix": "beta"}, "acme__Policy__c-beta__Policy Entity"),
    (
        {
            "fullName": "acme__Policy__c-Policy Entity",
            "namespacePrefix": "beta",
            "fileName": "layouts/acme__Policy__c-beta__Policy Entity.layout",
        },
        "acme__Policy__c-beta__Policy Entity",
    ),
    # Already carries its namespace (source tracking form): left untouched (vscode-sfdx-hardis PR 455, rule 1).
    (
        {"fullName": "acme__Policy__c-beta__Policy Entity", "namespacePrefix": "beta"},
        "acme__Policy__c-beta__Policy Entity",
    ),
    # Custom (unmanaged) layout on a managed object: no namespacePrefix, nothing added.
    ({"fullName": "acme__Policy__c-My Policy Layout", "namespacePrefix": None}, "acme__Policy__c-My Policy Layout"),
    # Special characters: not plain URL encoding, spaces stay, `.` and non-ASCII are encoded
    # (forcedotcom/cli/issues/2869 and /1683).
    ({"fullName": "Contact-O'Brien & Co (é) 製"}, "Contact-O%27Brien %26 Co %28%C3%A9%29 %E8%A3%BD"),
    ({"fullName": "Broker__c-v1.1 Broker Layout"}, "Broker__c-v1%2E1 Broker Layout"),
    # Source-format fileName works too.
    ({"fullName": "Lead-X", "fileName": "force-app/main/default/layouts/Lead-X.layout-meta.xml"}, "Lead-X"),
]


@pytest.mark.parametrize("entry, expected", RETRIEVE_TABLE)
def test_retrieve_name_table(entry, expected):
    assert names.retrieve_name(entry) == expected
    # The deploy name is the retrieved file's name, and maps back to the same member.
    assert names.full_name_from_path(names.file_name(expected)) == expected


@pytest.mark.parametrize(
    "full_name, obj",
    [
        ("PersonAccount-Person Account Layout", "PersonAccount"),
        ("acme__Obj__c-beta__Obj Layout", "acme__Obj__c"),
        ("Contact-___NAMESPACE___Contact Layout", "Contact"),
        ("Lead-Lead - Web - Layout", "Lead"),
    ],
)
def test_layout_object(full_name, obj):
    assert names.layout_object(full_name) == obj


@pytest.mark.parametrize("bad", ["Contact", "-Layout", "Contact-", ""])
def test_layout_object_refuses_non_layout_names(bad):
    with pytest.raises(EmailPrivacyError, match="is not a layout name: expected Object-Layout Name"):
        names.layout_object(bad)


@pytest.mark.parametrize(
    "path, full_name",
    [
        ("layouts/Lead-Lead %28Marketing%29 Layout.layout", "Lead-Lead %28Marketing%29 Layout"),
        (
            "force-app/main/default/layouts/Contact-FinServ__Contact %28Individual%29 Layout.layout-meta.xml",
            "Contact-FinServ__Contact %28Individual%29 Layout",
        ),
        ("C:\\proj\\layouts\\Contact-A.layout", "Contact-A"),
        ("Contact-___NAMESPACE___Contact Layout.layout", "Contact-___NAMESPACE___Contact Layout"),
    ],
)
def test_full_name_from_path(path, full_name):
    assert names.full_name_from_path(path) == full_name


def test_full_name_from_path_refuses_other_files():
    with pytest.raises(EmailPrivacyError, match=r"^x/Contact\.object: not a layout file"):
        names.full_name_from_path("x/Contact.object")


def test_file_name():
    assert names.file_name("Lead-Lead (Marketing) Layout") == "Lead-Lead %28Marketing%29 Layout.layout"
    assert (
        names.file_name("Lead-Lead %28Marketing%29 Layout", "source")
        == "Lead-Lead %28Marketing%29 Layout.layout-meta.xml"
    )
    with pytest.raises(OptionError, match="format: 'zip' is not allowed; use one of mdapi, source"):
        names.file_name("Lead-X", "zip")


@pytest.mark.parametrize(
    "encoded, shown",
    [
        ("Contact-FinServ__Contact %28Individual%29 Layout", "Contact-FinServ__Contact (Individual) Layout"),
        ("Contact-O%27Brien %26 Co %28%C3%A9%29 %E8%A3%BD", "Contact-O'Brien & Co (é) 製"),
        ("Broker__c-v1%2E1 Broker Layout", "Broker__c-v1.1 Broker Layout"),
        ("Contact-Contact Layout", "Contact-Contact Layout"),
    ],
)
def test_display_name_round_trip(encoded, shown):
    assert names.display_name(encoded) == shown
    assert names.encode(shown) == encoded
    assert names.encode(encoded) == encoded  # encoding twice changes nothing


def test_namespace_of():
    assert names.namespace_of("FinServ__Contact Layout") == "FinServ"
    assert names.namespace_of("Contact Layout") is None

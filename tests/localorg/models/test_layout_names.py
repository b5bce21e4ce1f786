"""Layout names as Salesforce gives them: listMetadata entries vs the names retrieve and deploy need."""

import pytest

from localorg.models.layout_names import LayoutName, decode_name, encode_name, is_canonical

NAMESPACES = ("acme", "beta", "FinServ")

# (object, human name, layout namespace) -> (listMetadata fullName, retrieve/deploy member, fileName)
TABLE = [
    # Parentheses as %28 %29, spaces kept: every standard layout name (docs/salesforce-facts.md, "Page layouts").
    (
        ("Contact", "Contact (Marketing) Layout", None),
        (
            "Contact-Contact %28Marketing%29 Layout",
            "Contact-Contact %28Marketing%29 Layout",
            "layouts/Contact-Contact %28Marketing%29 Layout.layout",
        ),
    ),
    # Managed layout on a standard object: listMetadata drops the layout's namespace after the hyphen,
    # retrieve/deploy/file name need it (github.com/joeferraro/MavensMate/issues/402,
    # github.com/hardisgroupcom/sfdx-hardis/issues/1533).
    (
        ("Contact", "Contact (Individual) Layout", "FinServ"),
        (
            "Contact-Contact %28Individual%29 Layout",
            "Contact-FinServ__Contact %28Individual%29 Layout",
            "layouts/Contact-FinServ__Contact %28Individual%29 Layout.layout",
        ),
    ),
    # Cross-package: layout of namespace beta on an object of namespace acme
    # (github.com/hardisgroupcom/vscode-sfdx-hardis/issues/454).
    (
        ("acme__Donation__c", "Donation Intake Layout", "beta"),
        (
            "acme__Donation__c-Donation Intake Layout",
            "acme__Donation__c-beta__Donation Intake Layout",
            "layouts/acme__Donation__c-beta__Donation Intake Layout.layout",
        ),
    ),
    # Apostrophe, ampersand, non-ASCII: %XX of UTF-8 bytes, not plain URL encoding
    # (github.com/forcedotcom/cli/issues/2869).
    (
        ("Lead", "Lead (O'Brien & Sons) Layout", None),
        (
            "Lead-Lead %28O%27Brien %26 Sons%29 Layout",
            "Lead-Lead %28O%27Brien %26 Sons%29 Layout",
            "layouts/Lead-Lead %28O%27Brien %26 Sons%29 Layout.layout",
        ),
    ),
    (
        ("Contact", "Contact Layout für Café 製品", None),
        (
            "Contact-Contact Layout f%C3%BCr Caf%C3%A9 %E8%A3%BD%E5%93%81",
            "Contact-Contact Layout f%C3%BCr Caf%C3%A9 %E8%A3%BD%E5%93%81",
            "layouts/Contact-Contact Layout f%C3%BCr Caf%C3%A9 %E8%A3%BD%E5%93%81.layout",
        ),
    ),
    # A dot is encoded too (github.com/forcedotcom/cli/issues/1683: Broker__c-v1%2E1 Broker Layout).
    (
        ("Broker__c", "v1.1 Broker Layout", None),
        (
            "Broker__c-v1%2E1 Broker Layout",
            "Broker__c-v1%2E1 Broker Layout",
            "layouts/Broker__c-v1%2E1 Broker Layout.layout",
        ),
    ),
]


@pytest.mark.parametrize("parts,expected", TABLE, ids=[t[0][1] for t in TABLE])
def test_name_table(parts, expected):
    name = LayoutName(*parts)
    assert (name.list_full_name, name.member, name.file_name) == expected
    assert LayoutName.from_member(name.member, NAMESPACES) == name


def test_encoding_follows_issue_2869_example():
    assert encode_name('^ ° ! "') == "%5E %C2%B0 %21 %22"
    assert decode_name("%5E %C2%B0 %21 %22") == '^ ° ! "'


def test_non_canonical_member_is_refused_with_the_expected_name():
    assert not is_canonical("Contact (Marketing) Layout")
    with pytest.raises(ValueError, match=r"expected Contact-Contact %28Marketing%29 Layout"):
        LayoutName.from_member("Contact-Contact (Marketing) Layout", NAMESPACES)
    with pytest.raises(ValueError, match="Object-Layout Name"):
        LayoutName.from_member("NoHyphen", NAMESPACES)


def test_unknown_namespace_prefix_is_part_of_the_name():
    name = LayoutName.from_member("Contact-zzz__Odd Layout", NAMESPACES)
    assert name.namespace is None and name.label == "zzz__Odd Layout"

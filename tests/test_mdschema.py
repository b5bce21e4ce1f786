"""mdschema's element orders and value lists equal the real Metadata API v63 schema's."""

import pytest

from email_privacy.metadata import documents

XS = "{http://www.w3.org/2001/XMLSchema}"


def sequence(xsd_tree, type_name):
    """Element names of a complexType's sequence (through an extension, if any), in order."""
    found = xsd_tree.getroot().findall(f".//{XS}complexType[@name='{type_name}']")
    assert len(found) == 1, f"{type_name} not found once in the schema"
    seq = found[0].find(f".//{XS}sequence")
    return tuple(e.get("name") for e in seq.findall(f"{XS}element"))


def base_of(xsd_tree, type_name):
    ext = xsd_tree.getroot().find(f".//{XS}complexType[@name='{type_name}']//{XS}extension")
    return None if ext is None else ext.get("base")


def enumeration(xsd_tree, type_name):
    simple = xsd_tree.getroot().find(f".//{XS}simpleType[@name='{type_name}']")
    return tuple(e.get("value") for e in simple.iter(f"{XS}enumeration"))


@pytest.mark.parametrize(
    "type_name, ours",
    [
        ("Layout", documents.LAYOUT),
        ("LayoutSection", documents.LAYOUT_SECTION),
        ("LayoutColumn", documents.LAYOUT_COLUMN),
        ("LayoutItem", documents.LAYOUT_ITEM),
        ("Metadata", documents.METADATA_BASE),
    ]
    + [(name, fields) for name, fields in sorted(documents.SETTINGS.items())],
)
def test_element_order_equals_the_schema(xsd_tree, type_name, ours):
    assert ours == sequence(xsd_tree, type_name)


@pytest.mark.parametrize("type_name", ["Layout"] + sorted(documents.SETTINGS))
def test_metadata_types_extend_metadata(xsd_tree, type_name):
    assert base_of(xsd_tree, type_name) == "tns:Metadata"


def test_layout_value_lists_equal_the_schema(xsd_tree):
    assert documents.LAYOUT_SECTION_STYLES == enumeration(xsd_tree, "LayoutSectionStyle")
    assert documents.LAYOUT_ITEM_BEHAVIORS == enumeration(xsd_tree, "UiBehavior")


def test_settings_stems():
    for type_name in documents.SETTINGS:
        stem = documents.settings_file_stem(type_name)
        assert documents.settings_type_for_stem(stem) == type_name
    assert documents.settings_file_stem("PartyDataModelSettings") == "PartyDataModel"

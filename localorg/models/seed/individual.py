"""The Individual object's own page layout and Dynamic Forms record page, as a new org holds them.

A standard org's `Individual-Individual Layout` shows Don't Track (HasOptedOutTracking) and Don't Process
(HasOptedOutProcessing) with behavior Edit beside the other privacy flags (docs/salesforce-facts.md, "The
rep's side"). Written for this project in that shape, with the fields the local org models. The trimmed
variants (`org serve --trimmed-individual-pages`) lack both flags, as in an org whose admin removed them.
"""

from localorg.models.seed.flexipages import _activity, _Page, _related

MDAPI_NS = "http://soap.sforce.com/2006/04/metadata"
LAYOUT = "Individual-Individual Layout"
PAGE = "Individual_Record_Page"
FLAGS = ("HasOptedOutTracking", "HasOptedOutProcessing")
OTHER_FLAGS = (
    ("HasOptedOutProfiling", "HasOptedOutSolicit"),
    ("HasOptedOutGeoTracking", "ShouldForget", "SendIndividualData", "CanStorePiiElsewhere"),
)


def _item(behavior: str, field: str) -> str:
    return (
        "            <layoutItems>\n"
        f"                <behavior>{behavior}</behavior>\n"
        f"                <field>{field}</field>\n"
        "            </layoutItems>\n"
    )


def _section(label: str, columns, style="TwoColumnsTopToBottom") -> str:
    cols = "".join(
        "        <layoutColumns>\n" + "".join(_item(b, f) for b, f in items) + "        </layoutColumns>\n"
        if items
        else "        <layoutColumns/>\n"
        for items in columns
    )
    return (
        "    <layoutSections>\n"
        "        <customLabel>false</customLabel>\n"
        "        <detailHeading>true</detailHeading>\n"
        "        <editHeading>true</editHeading>\n"
        f"        <label>{label}</label>\n" + cols + f"        <style>{style}</style>\n"
        "    </layoutSections>\n"
    )


def individual_layout(trimmed: bool = False) -> bytes:
    """`Individual-Individual Layout`: information, then the privacy flags (both of ours unless `trimmed`)."""
    left = ([] if trimmed else [("Edit", FLAGS[0])]) + [("Edit", f) for f in OTHER_FLAGS[0]]
    right = ([] if trimmed else [("Edit", FLAGS[1])]) + [("Edit", f) for f in OTHER_FLAGS[1]]
    body = (
        _section("Information", [[("Required", "Name"), ("Edit", "BirthDate")], [("Edit", "OwnerId")]])
        + _section("Data Privacy", [left, right])
        + _section("Custom Links", [[], [], []], "CustomLinks").replace(
            "<customLabel>false</customLabel>\n        <detailHeading>true</detailHeading>",
            "<customLabel>false</customLabel>\n        <detailHeading>false</detailHeading>",
        )
    )
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<Layout xmlns="{MDAPI_NS}">\n' + body
    text += "    <showEmailCheckbox>false</showEmailCheckbox>\n    <showHighlightsPanel>false</showHighlightsPanel>\n"
    text += "    <showInteractionLogPanel>false</showInteractionLogPanel>\n"
    text += "    <showRunAssignmentRulesCheckbox>false</showRunAssignmentRulesCheckbox>\n"
    text += "    <showSubmitAndAttachButton>false</showSubmitAndAttachButton>\n</Layout>\n"
    return text.encode("utf-8")


def individual_page(trimmed: bool = False) -> bytes:
    """A Dynamic Forms record page of Individual: its Details tab's sections (both flags unless `trimmed`)."""
    page = _Page(PAGE)
    privacy_left = ([] if trimmed else [FLAGS[0]]) + list(OTHER_FLAGS[0])
    privacy_right = ([] if trimmed else [FLAGS[1]]) + list(OTHER_FLAGS[1])
    details = [
        page.section("Information", ["Name", "BirthDate"], ["OwnerId"]),
        page.section("Data Privacy", privacy_left, privacy_right),
    ]
    main = [page.tabset(_related(page), ("Details", details))]
    header = [page.component("force:highlightsPanel", [("collapsed", "false"), ("numVisibleActions", "3")])]
    return page.write("Individual Record Page", "Individual", header, main, _activity(page))


def seed_individual(dynamic_forms: bool, trimmed: bool) -> dict[tuple[str, str], bytes]:
    """{(type, member): bytes}: the Individual layout, and with Dynamic Forms its record page."""
    out = {("Layout", LAYOUT): individual_layout(trimmed)}
    if dynamic_forms:
        out[("FlexiPage", PAGE)] = individual_page(trimmed)
    return out

"""Seed layouts: which page layouts a new local org holds, and their synthetic content.

All content here is synthetic, written for this project: layouts look like a Developer Edition
org's (labelled two-column and one-column sections, a Custom Links section, related lists,
excluded buttons), with Email Opt Out on some layouts and not on others, so layout edits meet the
variety real orgs have.
"""

import random

from lxml import etree

from localorg import xml
from localorg.models.field_names import MANAGED_FIELDS, field_object, layout_objects
from localorg.models.identity import OrgIdentity
from localorg.models.layout_names import LayoutName
from localorg.xml import MDAPI_NS

NAMESPACES = ("acme", "beta")

STANDARD_LAYOUTS = ("{obj} Layout", "{obj} (Marketing) Layout", "{obj} (Sales) Layout", "{obj} (Support) Layout")
# Human names of layouts installed by the two managed packages, and of oddly named unmanaged ones:
# parentheses, apostrophe, ampersand, non-ASCII letters.
MANAGED_LAYOUTS = (
    ("acme", "Acme {obj} Layout"),
    ("acme", "Acme {obj} (Partner) Layout"),
    ("beta", "Beta {obj} Layout"),
)
CROSS_PACKAGE_LAYOUTS = (
    LayoutName("acme__Donation__c", "Donation Intake Layout", "beta"),
    LayoutName("acme__Donation__c", "Donation Layout", "acme"),
)
ODD_LAYOUTS = ("{obj} (O'Brien & Sons) Layout", "{obj} Layout für Café 製品")

_REGIONS = (
    "EMEA",
    "APAC",
    "North America",
    "LATAM",
    "DACH",
    "Nordics",
    "Benelux",
    "UK&I",
    "Japan",
    "ANZ",
    "Iberia",
    "France",
    "Italy",
    "Canada",
    "Brazil",
    "India",
    "Mexico",
    "Gulf",
)
_TEAMS = (
    "Partner",
    "Inside Sales",
    "Field Sales",
    "Customer Success",
    "Renewals",
    "Onboarding",
    "Events",
    "Channel",
    "Enterprise",
    "SMB",
    "Public Sector",
    "Healthcare",
    "Retail",
    "Nonprofit",
    "Education",
    "Financial Services",
    "Media",
    "Manufacturing",
)


def seed_layout_names(identity: OrgIdentity) -> list[LayoutName]:
    """Every layout a new org with this identity holds."""
    names = []
    for obj in layout_objects(identity):
        label_obj = "Person Account" if obj == "PersonAccount" else obj
        templates = ("{obj} Layout",) if obj == "PersonAccount" else STANDARD_LAYOUTS
        names += [LayoutName(obj, t.format(obj=label_obj)) for t in templates]
        names += [LayoutName(obj, n) for n in _extra_names(label_obj, identity.layouts_per_object)]
        if identity.managed_layouts and obj != "Account":
            names += [LayoutName(obj, t.format(obj=label_obj), ns) for ns, t in MANAGED_LAYOUTS]
            names += [LayoutName(obj, t.format(obj=label_obj)) for t in ODD_LAYOUTS]
    if identity.managed_layouts:
        names += list(CROSS_PACKAGE_LAYOUTS)
    return names


def _extra_names(label_obj: str, count: int) -> list[str]:
    # Region x team gives 324 distinct names; past that a number keeps them distinct.
    out = []
    for i in range(count):
        region, team = _REGIONS[i % len(_REGIONS)], _TEAMS[(i // len(_REGIONS)) % len(_TEAMS)]
        suffix = f" {i // (len(_REGIONS) * len(_TEAMS)) + 1}" if i >= len(_REGIONS) * len(_TEAMS) else ""
        out.append(f"{region} {team} {label_obj} Layout{suffix}")
    return out


def element(parent, tag, text=None):
    e = etree.SubElement(parent, f"{{{MDAPI_NS}}}{tag}")
    if text is not None:
        e.text = text
    return e


def _section(root, label, style, columns, detail=True, edit=True, custom=False):
    sec = element(root, "layoutSections")
    element(sec, "customLabel", "true" if custom else "false")
    element(sec, "detailHeading", "true" if detail else "false")
    element(sec, "editHeading", "true" if edit else "false")
    element(sec, "label", label)
    for items in columns:
        col = element(sec, "layoutColumns")
        for behavior, field in items:
            item = element(col, "layoutItems")
            element(item, "behavior", behavior)
            element(item, "field", field)
    element(sec, "style", style)


# Per object: (main section fields left, right), address fields, extra fields, opt-out field.
_MAIN = {
    "Contact": (
        ["OwnerId", "Name", "AccountId", "Title", "Department", "Birthdate", "ReportsToId", "LeadSource"],
        ["Phone", "HomePhone", "MobilePhone", "OtherPhone", "Fax", "Email", "AssistantName", "AssistantPhone"],
        ["MailingAddress"],
        ["OtherAddress"],
        ["Languages__c", "Level__c"],
        "HasOptedOutOfEmail",
    ),
    "Lead": (
        ["OwnerId", "Name", "Company", "Title", "LeadSource", "Industry", "AnnualRevenue"],
        ["Phone", "MobilePhone", "Fax", "Email", "Website", "Status", "Rating", "NumberOfEmployees"],
        ["Address"],
        [],
        ["ProductInterest__c", "CurrentGenerators__c", "SICCode__c", "Primary__c", "NumberofLocations__c"],
        "HasOptedOutOfEmail",
    ),
    "Account": (
        ["OwnerId", "Name", "ParentId", "AccountNumber", "Site", "Type", "Industry", "AnnualRevenue"],
        ["Rating", "Phone", "Fax", "Website", "TickerSymbol", "Ownership", "NumberOfEmployees", "Sic"],
        ["BillingAddress"],
        ["ShippingAddress"],
        [
            "CustomerPriority__c",
            "SLA__c",
            "SLAExpirationDate__c",
            "NumberofLocations__c",
            "UpsellOpportunity__c",
            "SLASerialNumber__c",
            "Active__c",
        ],
        None,
    ),
    "PersonAccount": (
        ["OwnerId", "Name", "PersonTitle", "PersonDepartment", "PersonBirthdate", "PersonLeadSource"],
        ["Phone", "PersonHomePhone", "PersonMobilePhone", "PersonOtherPhone", "Fax", "PersonEmail"],
        ["BillingAddress", "PersonMailingAddress"],
        ["ShippingAddress", "PersonOtherAddress"],
        ["CustomerPriority__c", "Active__c"],
        "PersonHasOptedOutOfEmail",
    ),
}
_RELATED = {
    "Contact": ["RelatedOpportunityList", "RelatedActivityList", "RelatedHistoryList", "RelatedNoteList"],
    "Lead": ["RelatedActivityList", "RelatedHistoryList", "RelatedCampaignList", "RelatedNoteList"],
    "Account": ["RelatedContactList", "RelatedOpportunityList", "RelatedActivityList", "RelatedHistoryList"],
}


def layout_document(name: LayoutName, identity: OrgIdentity, rng: random.Random) -> bytes:
    """A realistic Layout document for `name`; `rng` varies which optional parts it has."""
    obj = name.object if name.object in _MAIN else "Contact"
    left, right, addr_l, addr_r, extra, opt_out = _MAIN[obj]
    custom_obj = name.object not in _MAIN
    root = etree.Element(f"{{{MDAPI_NS}}}Layout", nsmap={None: MDAPI_NS})
    for button in rng.sample(
        ["Submit", "ChangeOwnerOne", "ChangeRecordType", "PrintableView", "Share"], rng.randint(0, 2)
    ):
        element(root, "excludeButtons", button)
    if custom_obj:
        fields = sorted(MANAGED_FIELDS[name.object] - {"Name", "OwnerId", "CreatedById", "LastModifiedById"})
        _section(
            root,
            "Information",
            "TwoColumnsTopToBottom",
            [[("Required", "Name")] + [("Edit", f) for f in fields], [("Edit", "OwnerId")]],
        )
    else:
        main_left = [("Required" if f == "Name" else "Edit", f) for f in left]
        if obj == "Lead":
            main_left = [("Required", "Company") if f == "Company" else (b, f) for b, f in main_left]
        main_right = [("Edit", f) for f in right]
        # Email Opt Out sits on some layouts and not on others, as it does in real orgs.
        if opt_out and rng.random() < 0.6:
            main_right.append(("Edit", opt_out))
        label = {"PersonAccount": "Person Account"}.get(obj, obj)
        _section(root, f"{label} Information", "TwoColumnsTopToBottom", [main_left, main_right])
        _section(
            root,
            "Address Information",
            "TwoColumnsTopToBottom",
            [[("Edit", f) for f in addr_l], [("Edit", f) for f in addr_r]],
        )
        cut = rng.randint(1, len(extra))
        _section(
            root,
            "Additional Information",
            "TwoColumnsLeftToRight",
            [[("Edit", f) for f in extra[:cut]], [("Edit", f) for f in extra[cut:]]],
        )
        if identity.managed_layouts and obj != "PersonAccount" and rng.random() < 0.5:
            _section(root, "Loyalty", "OneColumn", [[("Edit", "acme__Loyalty_Tier__c")]], custom=True)
    _section(
        root,
        "System Information",
        "TwoColumnsTopToBottom",
        [[("Readonly", "CreatedById")], [("Readonly", "LastModifiedById")]],
        edit=False,
    )
    if not custom_obj:
        _section(root, "Description Information", "OneColumn", [[("Edit", "Description")]])
    _section(root, "Custom Links", "CustomLinks", [[], [], []], edit=False, custom=True)
    if not custom_obj:
        for rel in _RELATED.get(field_object(obj), _RELATED["Contact"]):
            item = element(root, "relatedLists")
            if rel == "RelatedActivityList":
                for f in ("TASK.SUBJECT", "TASK.WHO_NAME", "ACTIVITY.TASK", "TASK.DUE_DATE", "CORE.USERS.FULL_NAME"):
                    element(item, "fields", f)
            element(item, "relatedList", rel)
    element(root, "showEmailCheckbox", "false")
    element(root, "showHighlightsPanel", "false")
    element(root, "showInteractionLogPanel", "false")
    if obj == "Lead":
        element(root, "showRunAssignmentRulesCheckbox", "false")
    element(root, "showSubmitAndAttachButton", "false")
    etree.indent(root, space="    ")
    return xml.serialize(root)


def seed_layouts(identity: OrgIdentity) -> dict[LayoutName, bytes]:
    """Every seeded layout with its document; the same identity always gives the same content."""
    rng = random.Random(f"{identity.org_id}:layouts")
    return {name: layout_document(name, identity, rng) for name in seed_layout_names(identity)}

"""The shape of a fresh org: which objects, fields, layouts and settings a new local org holds.

All content here is synthetic, written for this project: layouts look like a Developer Edition
org's (labelled two-column and one-column sections, a Custom Links section, related lists,
excluded buttons), with Email Opt Out on some layouts and not on others, so layout edits meet the
variety real orgs have.
"""

import random

from lxml import etree

from .. import metadata_xml
from ..metadata_xml import MDAPI_NS
from .names_server import LayoutName
from .profile import OrgProfile

# Standard fields a layout may name, per object (Object Reference). Fields that exist only when a
# feature is on are kept apart below.
STANDARD_FIELDS = {
    "Contact": {
        "Name",
        "FirstName",
        "LastName",
        "Salutation",
        "AccountId",
        "Title",
        "Department",
        "Birthdate",
        "ReportsToId",
        "LeadSource",
        "Phone",
        "HomePhone",
        "MobilePhone",
        "OtherPhone",
        "Fax",
        "Email",
        "AssistantName",
        "AssistantPhone",
        "MailingAddress",
        "OtherAddress",
        "OwnerId",
        "Description",
        "CreatedById",
        "LastModifiedById",
        "HasOptedOutOfEmail",
        "HasOptedOutOfFax",
        "DoNotCall",
        "EmailBouncedReason",
        "EmailBouncedDate",
        "Jigsaw",
    },
    "Lead": {
        "Name",
        "FirstName",
        "LastName",
        "Salutation",
        "Company",
        "Title",
        "LeadSource",
        "Industry",
        "AnnualRevenue",
        "Phone",
        "MobilePhone",
        "Fax",
        "Email",
        "Website",
        "Status",
        "Rating",
        "NumberOfEmployees",
        "OwnerId",
        "Address",
        "Description",
        "HasOptedOutOfEmail",
        "HasOptedOutOfFax",
        "DoNotCall",
        "CreatedById",
        "LastModifiedById",
        "Jigsaw",
    },
    "Account": {
        "Name",
        "AccountNumber",
        "Site",
        "ParentId",
        "Type",
        "Industry",
        "AnnualRevenue",
        "NumberOfEmployees",
        "Ownership",
        "Phone",
        "Fax",
        "Website",
        "TickerSymbol",
        "Rating",
        "Sic",
        "BillingAddress",
        "ShippingAddress",
        "OwnerId",
        "Description",
        "CreatedById",
        "LastModifiedById",
        "Jigsaw",
    },
}
# Account fields that exist only with person accounts on (Object Reference, Account: "Person" fields).
PERSON_ACCOUNT_FIELDS = {
    "FirstName",
    "LastName",
    "Salutation",
    "PersonEmail",
    "PersonHasOptedOutOfEmail",
    "PersonHasOptedOutOfFax",
    "PersonDoNotCall",
    "PersonMobilePhone",
    "PersonHomePhone",
    "PersonOtherPhone",
    "PersonBirthdate",
    "PersonTitle",
    "PersonDepartment",
    "PersonLeadSource",
    "PersonMailingAddress",
    "PersonOtherAddress",
    "PersonAssistantName",
    "PersonAssistantPhone",
}
# Lookups to Individual: present only while Data Protection and Privacy is on (FACTS.md, "Fields").
INDIVIDUAL_FIELDS = {"Contact": "IndividualId", "Lead": "IndividualId", "Account": "PersonIndividualId"}

# The Individual object's fields (Object Reference, Individual); the object exists only with consent management on.
INDIVIDUAL_OBJECT_FIELDS = {
    "Name",
    "FirstName",
    "LastName",
    "Salutation",
    "BirthDate",
    "OwnerId",
    "HasOptedOutTracking",
    "HasOptedOutProcessing",
    "HasOptedOutProfiling",
    "HasOptedOutSolicit",
    "HasOptedOutGeoTracking",
    "ShouldForget",
    "SendIndividualData",
    "CanStorePiiElsewhere",
    "IndividualsAge",
}

# Custom fields a Developer Edition org ships with, and the managed packages' fields.
CUSTOM_FIELDS = {
    "Contact": {"Level__c", "Languages__c"},
    "Lead": {"ProductInterest__c", "Primary__c", "SICCode__c", "CurrentGenerators__c", "NumberofLocations__c"},
    "Account": {
        "CustomerPriority__c",
        "SLA__c",
        "SLAExpirationDate__c",
        "SLASerialNumber__c",
        "Active__c",
        "NumberofLocations__c",
        "UpsellOpportunity__c",
    },
}
MANAGED_FIELDS = {
    "Contact": {"acme__Loyalty_Tier__c", "beta__Engagement_Score__c"},
    "Lead": {"acme__Loyalty_Tier__c", "beta__Engagement_Score__c"},
    "Account": {"acme__Loyalty_Tier__c", "beta__Engagement_Score__c"},
    "acme__Donation__c": {
        "Name",
        "OwnerId",
        "CreatedById",
        "LastModifiedById",
        "acme__Amount__c",
        "acme__Donor__c",
        "beta__Campaign_Code__c",
    },
}
NAMESPACES = ("acme", "beta")

STANDARD_LAYOUTS = ("{obj} Layout", "{obj} (Marketing) Layout", "{obj} (Sales) Layout", "{obj} (Support) Layout")
# Human names of layouts installed by the two managed packages, and of oddly named unmanaged ones
# (issue 9): parentheses, apostrophe, ampersand, non-ASCII letters.
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


def field_object(layout_object: str) -> str:
    """The object whose fields a layout names: PersonAccount layouts are Account layouts."""
    return "Account" if layout_object == "PersonAccount" else layout_object


def layout_objects(profile: OrgProfile) -> list[str]:
    """Objects with seeded layouts."""
    objs = ["Contact", "Lead", "Account"]
    return objs + ["PersonAccount"] if profile.person_accounts else objs


def object_exists(obj: str, profile: OrgProfile) -> bool:
    """Whether the org has `obj` (as a layout's object name)."""
    if obj == "PersonAccount":
        return profile.person_accounts
    return obj in STANDARD_FIELDS or (profile.managed_layouts and obj in MANAGED_FIELDS)


def object_fields(obj: str, profile: OrgProfile, consent_management: bool):
    """Fields of an object (as permission sets name it): None when the org lacks the object, ... when not modelled."""
    if obj == "Individual":
        return INDIVIDUAL_OBJECT_FIELDS if consent_management else None
    if obj in STANDARD_FIELDS or (profile.managed_layouts and obj in MANAGED_FIELDS):
        return layout_fields(obj, profile, consent_management)
    return ...


def layout_fields(obj: str, profile: OrgProfile, consent_management: bool) -> set[str]:
    """Every field a layout of `obj` may name in this org, given the consent-management switch."""
    fobj = field_object(obj)
    fields = set(STANDARD_FIELDS.get(fobj, ())) | CUSTOM_FIELDS.get(fobj, set())
    if profile.managed_layouts:
        fields |= MANAGED_FIELDS.get(fobj, set())
    if fobj == "Account" and profile.person_accounts:
        fields |= PERSON_ACCOUNT_FIELDS
    if consent_management and fobj in INDIVIDUAL_FIELDS:
        if fobj != "Account" or profile.person_accounts:
            fields.add(INDIVIDUAL_FIELDS[fobj])
    return fields


def seed_layout_names(profile: OrgProfile) -> list[LayoutName]:
    """Every layout a new org with this profile holds."""
    names = []
    for obj in layout_objects(profile):
        label_obj = "Person Account" if obj == "PersonAccount" else obj
        templates = ("{obj} Layout",) if obj == "PersonAccount" else STANDARD_LAYOUTS
        names += [LayoutName(obj, t.format(obj=label_obj)) for t in templates]
        names += [LayoutName(obj, n) for n in _extra_names(label_obj, profile.layouts_per_object)]
        if profile.managed_layouts and obj != "Account":
            names += [LayoutName(obj, t.format(obj=label_obj), ns) for ns, t in MANAGED_LAYOUTS]
            names += [LayoutName(obj, t.format(obj=label_obj)) for t in ODD_LAYOUTS]
    if profile.managed_layouts:
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


def _el(parent, tag, text=None):
    e = etree.SubElement(parent, f"{{{MDAPI_NS}}}{tag}")
    if text is not None:
        e.text = text
    return e


def _section(root, label, style, columns, detail=True, edit=True, custom=False):
    sec = _el(root, "layoutSections")
    _el(sec, "customLabel", "true" if custom else "false")
    _el(sec, "detailHeading", "true" if detail else "false")
    _el(sec, "editHeading", "true" if edit else "false")
    _el(sec, "label", label)
    for items in columns:
        col = _el(sec, "layoutColumns")
        for behavior, field in items:
            item = _el(col, "layoutItems")
            _el(item, "behavior", behavior)
            _el(item, "field", field)
    _el(sec, "style", style)


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


def layout_document(name: LayoutName, profile: OrgProfile, rng: random.Random) -> bytes:
    """A realistic Layout document for `name`; `rng` varies which optional parts it has."""
    obj = name.object if name.object in _MAIN else "Contact"
    left, right, addr_l, addr_r, extra, opt_out = _MAIN[obj]
    custom_obj = name.object not in _MAIN
    root = etree.Element(f"{{{MDAPI_NS}}}Layout", nsmap={None: MDAPI_NS})
    for button in rng.sample(
        ["Submit", "ChangeOwnerOne", "ChangeRecordType", "PrintableView", "Share"], rng.randint(0, 2)
    ):
        _el(root, "excludeButtons", button)
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
        if profile.managed_layouts and obj != "PersonAccount" and rng.random() < 0.5:
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
            item = _el(root, "relatedLists")
            if rel == "RelatedActivityList":
                for f in ("TASK.SUBJECT", "TASK.WHO_NAME", "ACTIVITY.TASK", "TASK.DUE_DATE", "CORE.USERS.FULL_NAME"):
                    _el(item, "fields", f)
            _el(item, "relatedList", rel)
    _el(root, "showEmailCheckbox", "false")
    _el(root, "showHighlightsPanel", "false")
    _el(root, "showInteractionLogPanel", "false")
    if obj == "Lead":
        _el(root, "showRunAssignmentRulesCheckbox", "false")
    _el(root, "showSubmitAndAttachButton", "false")
    etree.indent(root, space="    ")
    return metadata_xml.serialize(root)


def settings_document(settings_type: str, values: dict[str, str]) -> bytes:
    """A Settings document with `values` written in schema order."""
    root = etree.Element(f"{{{MDAPI_NS}}}{settings_type}", nsmap={None: MDAPI_NS})
    for field in metadata_xml.SETTINGS[settings_type]:
        if field in values:
            _el(root, field, values[field])
    etree.indent(root, space="    ")
    return metadata_xml.serialize(root)


def seed_settings(profile: OrgProfile) -> dict[str, bytes]:
    """Settings of a fresh org, {file stem: document}: the privacy switches off.

    Enhanced Email is on, as Salesforce ships it except where Email-to-Case is on (FACTS.md).
    """
    values = {
        "PartyDataModelSettings": {
            "enableAutoSelectIndividualOnMerge": "false",
            "enableConsentManagement": "false",
            "enableIndividualAutoCreate": "false",
        },
        "EmailAdministrationSettings": {
            "enableComplianceBcc": "false",
            "enableEmailConsentManagement": "false",
            "enableEmailSenderIdCompliance": "false",
            "enableEmailSpfCompliance": "false",
            "enableEmailToSalesforce": "false",
            "enableEmailWorkflowApproval": "false",
            "enableEnhancedEmailEnabled": "true",
            "enableHandleBouncedEmails": "true",
            "enableHtmlEmail": "true",
            "enableListEmailLogActivities": "false",
            "enableResendBouncedEmails": "false",
            "enableRestrictTlsToDomains": "false",
            "enableSendThroughGmailPref": "false",
            "enableSendViaExchangePref": "false",
            "enableSendViaGmailPref": "false",
            "enableTinyMceSalesEmailEnabled": "true",
            "enableUseOrgFootersForExtTrans": "true",
            "enableVerifyEmailDomainByDkim": "false",
            "sendMassEmailNotification": "true",
            "sendTextOnlySystemEmails": "false",
        },
        "ActivitiesSettings": {
            "allowUsersToRelateMultipleContactsToTasksAndEvents": "false",
            "enableActivityReminders": "true",
            "enableClickCreateEvents": "true",
            "enableDragAndDropScheduling": "true",
            "enableEmailTracking": "false",
            "enableGroupTasks": "true",
            "enableListViewScheduling": "true",
            "enableLogNote": "true",
            "enableMultidayEvents": "false",
            "enableRecurringEvents": "false",
            "enableRecurringTasks": "false",
            "enableSidebarCalendarShortcut": "false",
            "enableSimpleTaskCreateUI": "true",
            "enableUNSTaskDelegatedToNotifications": "false",
            "meetingRequestsLogo": "",
            "showCustomLogoMeetingRequests": "false",
            "showEventDetailsMultiUserCalendar": "false",
            "showHomePageHoverLinksForEvents": "false",
            "showMyTasksHoverLinks": "false",
        },
        "LightningExperienceSettings": {
            "enableAccessCheckCrucPref": "false",
            "enableApiUserLtngOutAccessPref": "false",
            "enableAuraCDNPref": "true",
            "enableFeedbackInMobile": "false",
            "enableIE11LEXCrucPref": "false",
            "enableInAppTooltips": "true",
            "enableLEXOnIpadEnabled": "true",
            "enableLexEndUsersNoSwitching": "false",
            "enableNavPersonalizationOptOut": "false",
            "enableRemoveThemeBrandBanner": "false",
            "enableS1BannerPref": "true",
            "enableS1BrowserEnabled": "true",
            "enableS1DesktopEnabled": "true" if profile.lightning else "false",
            "enableS1UiLoggingEnabled": "true",
            "enableTryLightningOptOut": "false",
            "enableUsersAreLightningOnly": "false",
        },
    }
    return {metadata_xml.settings_file_stem(t): settings_document(t, v) for t, v in values.items()}


def seed_layouts(profile: OrgProfile) -> dict[LayoutName, bytes]:
    """Every seeded layout with its document; the same profile always gives the same content."""
    rng = random.Random(f"{profile.org_id}:layouts")
    return {name: layout_document(name, profile, rng) for name in seed_layout_names(profile)}

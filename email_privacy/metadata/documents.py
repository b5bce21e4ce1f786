"""Metadata API XML: safe parsing (files come from others' repositories; CumulusCI's utils.xml parsers accept a
DOCTYPE and have no size limit), schema order (docs/salesforce-facts.md, The Metadata API schema), package.xml."""

import hashlib

from lxml import etree

from email_privacy.errors import XmlInputError

MDAPI_NS = "http://soap.sforce.com/2006/04/metadata"
API_VERSION = "63.0"

# Biggest file we accept; the largest real layouts are a few hundred KB.
MAX_BYTES = 20 * 1024 * 1024

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_blank_text=False,
    remove_comments=False,
)
# For a SOAP reply: a retrieve's base64 zip is one text node, past libxml2's 10 MB cap without huge_tree.
_HUGE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def parse(data: bytes, name: str, max_bytes: int = MAX_BYTES) -> etree._ElementTree:
    """Any DOCTYPE is refused: metadata never carries one, and entity attacks arrive through it. A `max_bytes`
    above MAX_BYTES (a SOAP reply) lifts the text-node cap; a DOCTYPE is then refused before parsing."""
    if len(data) > max_bytes:
        raise XmlInputError(f"{name}: file is {len(data)} bytes, more than the {max_bytes} allowed")
    huge = max_bytes > MAX_BYTES
    if huge and b"<!DOCTYPE" in data:
        raise XmlInputError(f"{name}: a DOCTYPE is not allowed in metadata files")
    try:
        tree = etree.ElementTree(etree.fromstring(data, _HUGE_PARSER if huge else _PARSER))
    except etree.XMLSyntaxError as e:
        error = XmlInputError(f"{name}: not well-formed XML ({e.msg})")
        error.position = e.position  # (line, column), for callers that report where (the local org's deploy checks)
        raise error from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise XmlInputError(f"{name}: a DOCTYPE is not allowed in metadata files")
    return tree


def parse_file(path) -> etree._ElementTree:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise XmlInputError(f"{path}: cannot read ({e.strerror})") from None
    return parse(data, str(path))


def canonical_children(data: bytes, name: str) -> list[bytes]:
    """Each top-level element of a metadata document in order, canonicalised (C14N) with whitespace-only text
    and comments dropped: two documents that differ only in layout and comments give the same list."""
    root = parse(data, name).getroot()
    # Edited in place, once for the whole document (it is this function's own parse; C14N leaves tails out).
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for el in root.iter():
        text, tail = el.text, el.tail
        if text is not None and not text.strip():
            el.text = None
        if tail is not None and not tail.strip():
            el.tail = None
    # Each child copied on its own, so it declares only the namespaces it uses, as a file of its own would.
    return [etree.tostring(child.__copy__(), method="c14n") for child in root if isinstance(child.tag, str)]


def content_digest(data: bytes, name: str) -> str:
    return hashlib.sha256(b"\n".join(canonical_children(data, name))).hexdigest()


def serialize(tree) -> bytes:
    """Write a tree as Salesforce writes metadata: UTF-8 with an XML declaration, trailing newline."""
    # Serializing the ElementTree (not just the root) keeps comments outside the root element.
    if not hasattr(tree, "getroot"):
        tree = etree.ElementTree(tree)
    out = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    # lxml writes the declaration with single quotes; Salesforce and sf write double quotes.
    out = out.replace(b"<?xml version='1.0' encoding='UTF-8'?>", b'<?xml version="1.0" encoding="UTF-8"?>', 1)
    return out if out.endswith(b"\n") else out + b"\n"


# Every Metadata type extends Metadata, whose only element is fullName (optional).
METADATA_BASE = ("fullName",)

LAYOUT = (
    "customButtons",
    "customConsoleComponents",
    "emailDefault",
    "excludeButtons",
    "feedLayout",
    "headers",
    "layoutSections",
    "miniLayout",
    "multilineLayoutFields",
    "platformActionList",
    "quickActionList",
    "relatedContent",
    "relatedLists",
    "relatedObjects",
    "runAssignmentRulesDefault",
    "showEmailCheckbox",
    "showHighlightsPanel",
    "showInteractionLogPanel",
    "showKnowledgeComponent",
    "showRunAssignmentRulesCheckbox",
    "showSolutionSection",
    "showSubmitAndAttachButton",
    "summaryLayout",
)
# FlexiPage and its parts, in the schema's element order (metadata.wsdl, API 63.0).
FLEXIPAGE = (
    "description",
    "events",
    "flexiPageRegions",
    "masterLabel",
    "parentFlexiPage",
    "platformActionlist",
    "quickActionList",
    "sobjectType",
    "template",
    "type",
)
FLEXIPAGE_REGION = ("appendable", "itemInstances", "mode", "name", "prependable", "replaceable", "type")
ITEM_INSTANCE = ("componentInstance", "fieldInstance")
COMPONENT_INSTANCE = ("componentInstanceProperties", "componentName", "componentType", "identifier", "visibilityRule")
COMPONENT_INSTANCE_PROPERTY = ("name", "type", "value", "valueList")
FIELD_INSTANCE = ("fieldInstanceProperties", "fieldItem", "identifier", "visibilityRule")
FIELD_INSTANCE_PROPERTY = ("name", "value")
LAYOUT_SECTION = ("customLabel", "detailHeading", "editHeading", "label", "layoutColumns", "style")
LAYOUT_SECTION_STYLES = ("TwoColumnsTopToBottom", "TwoColumnsLeftToRight", "OneColumn", "CustomLinks")
LAYOUT_COLUMN = ("layoutItems", "reserved")
LAYOUT_ITEM = (
    "analyticsCloudComponent",
    "behavior",
    "canvas",
    "component",
    "customLink",
    "emptySpace",
    "field",
    "height",
    "page",
    "reportChartComponent",
    "scontrol",
    "showLabel",
    "showScrollbars",
    "width",
)
LAYOUT_ITEM_BEHAVIORS = ("Edit", "Required", "Readonly")

# Settings types this project reads or writes, each field in schema order.
SETTINGS = {
    "PartyDataModelSettings": (
        "enableAutoSelectIndividualOnMerge",
        "enableConsentManagement",
        "enableIndividualAutoCreate",
    ),
    "EmailAdministrationSettings": (
        "enableComplianceBcc",
        "enableEmailConsentManagement",
        "enableEmailSenderIdCompliance",
        "enableEmailSpfCompliance",
        "enableEmailToSalesforce",
        "enableEmailTrackingIPBlocklist",
        "enableEmailWorkflowApproval",
        "enableEnhancedEmailEnabled",
        "enableHandleBouncedEmails",
        "enableHtmlEmail",
        "enableInternationalEmailAddresses",
        "enableListEmailLogActivities",
        "enableResendBouncedEmails",
        "enableRestrictTlsToDomains",
        "enableSendThroughGmailPref",
        "enableSendViaExchangePref",
        "enableSendViaGmailPref",
        "enableTinyMceSalesEmailEnabled",
        "enableUseOrgFootersForExtTrans",
        "enableVerifyEmailDomainByDkim",
        "sendEmailsEvenWhenAutomationUpdatesSameRecord",
        "sendMassEmailNotification",
        "sendTextOnlySystemEmails",
    ),
    "ActivitiesSettings": (
        "allowUsersToRelateMultipleContactsToTasksAndEvents",
        "autoRelateEventAttendees",
        "enableActivityReminders",
        "enableCalendarHomeLWC",
        "enableClickCreateEvents",
        "enableDragAndDropScheduling",
        "enableEmailTracking",
        "enableFlowTaskNotifsViaApex",
        "enableGroupTasks",
        "enableHideChildEventsPreference",
        "enableListViewScheduling",
        "enableLogNote",
        "enableMLSingleClientProfile",
        "enableMultidayEvents",
        "enableRecurringEvents",
        "enableRecurringTasks",
        "enableRollUpActivToContactsAcct",
        "enableSidebarCalendarShortcut",
        "enableSimpleTaskCreateUI",
        "enableTimelineCompDateSort",
        "enableUNSTaskDelegatedToNotifications",
        "enableUserListViewCalendars",
        "meetingRequestsLogo",
        "showCustomLogoMeetingRequests",
        "showEventDetailsMultiUserCalendar",
        "showHomePageHoverLinksForEvents",
        "showMyTasksHoverLinks",
    ),
    "LightningExperienceSettings": (
        "activeThemeName",
        "enableAccessCheckCrucPref",
        "enableApiUserLtngOutAccessPref",
        "enableAuraCDNPref",
        "enableAuraSecStaticResCRUCPref",
        "enableDeferRenderingWorkspacePage",
        "enableErrorExperienceEnabled",
        "enableFeedbackInMobile",
        "enableGoogleSheetsForSfdcEnabled",
        "enableHideOpenInQuip",
        "enableIE11DeprecationMsgHidden",
        "enableIE11LEXCrucPref",
        "enableInAppLearning",
        "enableInAppTooltips",
        "enableLEXExtensionComponentCustomization",
        "enableLEXExtensionDarkMode",
        "enableLEXExtensionInlineEditModifier",
        "enableLEXExtensionLinkGrabber",
        "enableLEXExtensionRelatedLists",
        "enableLEXExtensionRequiredFields",
        "enableLEXExtensionTrailhead",
        "enableLEXOnIpadEnabled",
        "enableLexEndUsersNoSwitching",
        "enableLightningPreviewPref",
        "enableNavPersonalizationOptOut",
        "enableNoBackgroundNavigations",
        "enableQuip",
        "enableRemoveThemeBrandBanner",
        "enableS1BannerPref",
        "enableS1BrowserEnabled",
        "enableS1DesktopEnabled",
        "enableS1UiLoggingEnabled",
        "enableSalesforceNext",
        "enableSidToken3rdPartyAuraApp",
        "enableSkypeChatEnabled",
        "enableSparkAllUsers",
        "enableSparkConversationEnabled",
        "enableStackedModalManagerEnabled",
        "enableTryLightningOptOut",
        "enableUseS1AlohaDesktop",
        "enableUsersAreLightningOnly",
        "enableWebExEnabled",
        "enableWebexAllUsers",
        "isLEXExtensionComponentCustomizationOff",
        "isLEXExtensionDarkModeOff",
        "isLEXExtensionLinkGrabberOff",
        "isLEXExtensionOff",
    ),
}


def settings_file_stem(settings_type: str) -> str:
    return settings_type[: -len("Settings")]


def settings_type_for_stem(stem: str) -> str:
    return stem + "Settings"


def package_xml(members: dict[str, list[str]], api_version: str) -> bytes:
    root = etree.Element(f"{{{MDAPI_NS}}}Package", nsmap={None: MDAPI_NS})
    for type_name in sorted(members):
        if not members[type_name]:
            continue
        types = etree.SubElement(root, f"{{{MDAPI_NS}}}types")
        for member in sorted(members[type_name]):
            etree.SubElement(types, f"{{{MDAPI_NS}}}members").text = member
        etree.SubElement(types, f"{{{MDAPI_NS}}}name").text = type_name
    etree.SubElement(root, f"{{{MDAPI_NS}}}version").text = api_version
    etree.indent(root, space="    ")
    return serialize(root)


def read_package_xml(data: bytes, name: str = "package.xml") -> dict[str, list[str]]:
    root = parse(data, name).getroot()
    out: dict[str, list[str]] = {}
    for types in root.findall(f"{{{MDAPI_NS}}}types"):
        type_name = types.findtext(f"{{{MDAPI_NS}}}name")
        out.setdefault(type_name, []).extend(m.text for m in types.findall(f"{{{MDAPI_NS}}}members"))
    return out

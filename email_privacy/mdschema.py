"""What this project knows of the Metadata API schema (API 63.0), as plain data.

Element order is a fact of the Metadata API WSDL (xsd:sequence): a deploy whose elements are out
of this order fails. The lists are taken from the v63 WSDL's complex types; tests compare them
with ../shared/salesforce/metadata-v63.xsd so they cannot drift. The generator (settings.py),
the layout editor (layouts.py) and the local org's deploy checks all read them from here.
"""

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
    """`PartyDataModelSettings` -> `PartyDataModel`, the member name and file stem Salesforce uses."""
    return settings_type[: -len("Settings")]


def settings_type_for_stem(stem: str) -> str:
    """`PartyDataModel` -> `PartyDataModelSettings`."""
    return stem + "Settings"

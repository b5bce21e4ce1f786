"""Seed settings: the Settings documents a new local org holds, shaped by its identity."""

from lxml import etree

from localorg import xml
from localorg.models.identity import OrgIdentity
from localorg.models.seed.layouts import element
from localorg.models.wsdl import schema
from localorg.xml import MDAPI_NS


def settings_document(settings_type: str, values: dict[str, str]) -> bytes:
    """A Settings document with `values` written in schema order."""
    root = etree.Element(f"{{{MDAPI_NS}}}{settings_type}", nsmap={None: MDAPI_NS})
    for field in schema().names(settings_type):
        if field in values:
            element(root, field, values[field])
    etree.indent(root, space="    ")
    return xml.serialize(root)


def seed_settings(identity: OrgIdentity) -> dict[str, bytes]:
    """Settings of a fresh org, {file stem: document}: the privacy switches off.

    Enhanced Email is on, as Salesforce ships it except where Email-to-Case is on (docs/salesforce-facts.md).
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
            "enableS1DesktopEnabled": "true" if identity.lightning else "false",
            "enableS1UiLoggingEnabled": "true",
            "enableTryLightningOptOut": "false",
            "enableUsersAreLightningOnly": "false",
        },
    }
    return {t.removesuffix("Settings"): settings_document(t, v) for t, v in values.items()}

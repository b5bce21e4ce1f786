"""CumulusCI task deploy_email_privacy_settings: turn on the org settings the feature needs, only what is off."""

from email_privacy.cci.options import CHECK_ONLY_OPTION, CLIENT_TASK_OPTIONS, ORG_STATE_OPTION
from email_privacy.cci.task import MetadataTask
from email_privacy.features.settings import SettingsOptions, deploy_settings


class DeployEmailPrivacySettings(MetadataTask):
    task_docs = """
Turns on what Salesforce needs to honour each person's Don't Track / Don't Process choice:
Data Protection and Privacy (PartyDataModelSettings.enableConsentManagement), Enforce email privacy
settings (EmailAdministrationSettings.enableEmailConsentManagement), Enhanced Email
(EmailAdministrationSettings.enableEnhancedEmailEnabled) and Enable Email Tracking
(ActivitiesSettings.enableEmailTracking).

It reads the org's current values first (one retrieve) and deploys only the switches that are off,
each settings file holding only the fields it changes; when everything is on it deploys nothing and
says the org is already configured. It never deploys enableConsentManagement false: that would purge
the org's data protection records.
"""
    task_options = {
        "enhanced_email": {
            "description": "auto (default: on only where Lightning Experience is on), true, "
            "or false (leave Enhanced Email as it is)."
        },
        "email_tracking": {
            "description": "Turn on Activity Settings' Enable Email Tracking (default true; false leaves it as it is)."
        },
        "consent_management": {
            "description": "Data Protection and Privacy; only true is accepted (the default): "
            "deploying false would purge the org's data protection records."
        },
        "dry_run": {"description": "Print what would change; deploy nothing (default false)."},
        **CHECK_ONLY_OPTION,
        **ORG_STATE_OPTION,
        **CLIENT_TASK_OPTIONS,
    }

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        self.settings_options = SettingsOptions.from_options(self.options)

    def _run_task(self):
        result = deploy_settings(
            self.connection, self.org_state, self.settings_options, self.logger, self.dry_run, self.check_only
        )
        self.return_values = result.return_values()

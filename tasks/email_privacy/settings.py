"""CumulusCI task deploy_email_privacy_settings: turn on the org settings the feature needs, only what is off.

Thin: options and messages here; the documents come from email_privacy.settings, the read from
email_privacy.orgstate. CumulusCI's org_settings task is not used: it deploys every value it is
given whether or not the org has it already, and cannot read Lightning Experience for `auto`.
"""

from email_privacy import orgstate
from email_privacy.metadata_api import CHECK_ONLY_OPTION, CLIENT_TASK_OPTIONS, ORG_STATE_OPTION, MetadataTask
from email_privacy.settings import FEATURE_SETTINGS, SettingsOptions, changes_needed, desired_settings, settings_files


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
        state = self.org_state if self.org_state is not None and self.org_state.settings else None
        if state is None:
            state = orgstate.read_org(self.client, objects=())
        desired = desired_settings(self.settings_options, state.lightning_on)
        changes = changes_needed(desired, state.settings)
        changed = {f"{t}.{f}": v for t, fields in changes.items() for f, v in fields.items()}
        self.return_values = {
            "changed": changed,
            "deployed": False,
            "dry_run": self.dry_run,
            "check_only": self.check_only,
        }
        for settings_type, field_name in desired:
            label = FEATURE_SETTINGS[(settings_type, field_name)]
            state_text = "to turn on" if f"{settings_type}.{field_name}" in changed else "already on"
            self.logger.info(f"  {label} ({settings_type}.{field_name}): {state_text}")
        if not changes:
            self.logger.info("The org is already configured: every setting is on; nothing to deploy.")
            return
        if self.dry_run:
            self.logger.info(f"Dry run: {len(changed)} setting(s) would be turned on; nothing was deployed.")
            return
        self.client.deploy(settings_files(changes, "mdapi", self.client.api_version), check_only=self.check_only)
        self.return_values["deployed"] = not self.check_only
        verb = "Validated (check only, nothing saved)" if self.check_only else "Turned on"
        self.logger.info(f"{verb}: {', '.join(changed)}")

"""CumulusCI task deploy_email_privacy_settings: turn on the org settings the feature needs, only what is off."""

from email_privacy.cci.task import CHECK_ONLY, CLIENT_OPTIONS, FLOW_READ, OrgTask
from email_privacy.errors import OptionError
from email_privacy.metadata.settings import PURGE_WARNING
from email_privacy.options.settings import ENHANCED_EMAIL_CHOICES, SettingsOptions
from email_privacy.options.spec import Option, OptionSpec, choice, flag
from email_privacy.options.values import parse_bool
from email_privacy.steps.settings import deploy_settings


def _only_true(name, value) -> bool:
    if not parse_bool(name, value):
        raise OptionError(f"Option {name}: false is not allowed; {PURGE_WARNING}.")
    return True


CONSENT_MANAGEMENT = Option(
    "consent_management",
    "Data Protection and Privacy; only true is accepted: deploying false would purge the org's data protection "
    "records.",
    "true only",
    _only_true,
    default=True,
)


class DeployEmailPrivacySettings(OrgTask):
    task_docs = """
Turns on what Salesforce needs to honour each person's Don't Track / Don't Process choice: Data Protection and
Privacy, Enforce email privacy settings, Enhanced Email and Enable Email Tracking, deploying only the switches
that are off. It never deploys enableConsentManagement false: that would purge the org's data protection
records. Details: docs/flow.md.
"""
    options_spec = OptionSpec(
        choice(
            "enhanced_email",
            ENHANCED_EMAIL_CHOICES,
            "auto: on only where Lightning Experience is on; false leaves Enhanced Email as it is.",
            default="auto",
        ),
        flag(
            "email_tracking",
            "Turn on Activity Settings' Enable Email Tracking; false leaves it as it is.",
            default=True,
        ),
        CONSENT_MANAGEMENT,
        flag("dry_run", "Print what would change; deploy nothing."),
        CHECK_ONLY,
        FLOW_READ,
        *CLIENT_OPTIONS,
    )

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        o = self.parsed_options
        self.settings_options = SettingsOptions(enhanced_email=o.enhanced_email, email_tracking=o.email_tracking)

    def _run_task(self):
        result = deploy_settings(
            self.connection, self.read, self.settings_options, self.logger, self.dry_run, self.check_only
        )
        self.return_values = result.return_values()

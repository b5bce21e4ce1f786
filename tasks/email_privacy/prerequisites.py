"""CumulusCI task check_email_privacy_prerequisites: can this org take the configuration? Checked before any change."""

from pathlib import Path

from email_privacy.cci.task import CLIENT_OPTIONS, OrgTask
from email_privacy.metadata.layouts import TARGET_OBJECTS
from email_privacy.options.settings import ENHANCED_EMAIL_CHOICES, SettingsOptions
from email_privacy.options.spec import OptionSpec, choice, flag, name_list
from email_privacy.steps.permission_set import DEFAULT_PATH, SOURCE_SUFFIX
from email_privacy.steps.prerequisites import PrerequisitesOptions, check_prerequisites


class CheckEmailPrivacyPrerequisites(OrgTask):
    task_docs = """
Checks, before anything in the org changes, that it can honour individual email-tracking preferences: the
edition, the running user's permissions, person accounts, Lightning Experience, the four settings and the
record pages, each with a verdict and what to do. It reads the org once, for the flow's later steps to
reuse. Details: docs/flow.md.
"""
    checks_flow = True  # step 1 of the flow: every step's options are checked before the org is touched
    options_spec = OptionSpec(
        flag(
            "allow_unknown_edition",
            "Go on (with a warning) when Organization.OrganizationType is a value this project does not know, "
            "e.g. an Essentials org.",
        ),
        choice(
            "enhanced_email",
            ENHANCED_EMAIL_CHOICES,
            "auto: Enhanced Email required only where Lightning Experience is on. Returned for the later steps.",
            default="auto",
        ),
        flag(
            "email_tracking",
            "Whether Activity Settings' Enable Email Tracking is to be on. Returned for the later steps.",
            default=True,
        ),
        name_list(
            "objects",
            "Objects whose layouts are in scope. Returned for the later steps.",
            TARGET_OBJECTS,
            "Contact and Lead, plus PersonAccount where person accounts are on",
        ),
        flag(
            "pages",
            "Also the Lightning record pages of Contact, Lead and Account; returned for the later steps, so false "
            "on this step leaves pages out of the whole flow.",
            default=True,
        ),
        flag(
            "individual",
            "Also the Individual object's own page layouts and record pages, which must show Don't Track and Don't "
            "Process on the Details tab; returned for the later steps, so false leaves them out of the whole flow.",
            default=True,
        ),
        flag(
            "dry_run",
            "Changes nothing here either way; returned as dry_run so the flow's later steps can read it "
            "(-o check_email_privacy_prerequisites__dry_run true makes the whole flow a dry run).",
        ),
        *CLIENT_OPTIONS,
    )

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        o = self.parsed_options
        self.allow_unknown = o.allow_unknown_edition
        self.settings_options = SettingsOptions(enhanced_email=o.enhanced_email, email_tracking=o.email_tracking)
        self.objects = o.objects
        self.pages = o.pages
        self.individual = o.individual

    def _permission_set_names(self) -> list[str]:
        # Read in the same retrieve, so deploy_email_privacy_permission_set can compare without reading again.
        folder = Path(self.project_config.repo_root or ".") / DEFAULT_PATH
        return sorted(p.name[: -len(SOURCE_SUFFIX)] for p in folder.glob(f"*{SOURCE_SUFFIX}"))

    def _run_task(self):
        options = PrerequisitesOptions(
            self.settings_options,
            self.objects,
            self._permission_set_names(),
            self.allow_unknown,
            self.dry_run,
            self.pages,
            self.individual,
        )
        self.return_values = check_prerequisites(self.connection, options, self.logger).return_values()

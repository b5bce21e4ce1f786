"""CumulusCI task verify_email_privacy: read the org back and fail unless it is really configured."""

from email_privacy.cci.task import CLIENT_OPTIONS, FLOW_READ, INDIVIDUAL, PAGES, OrgTask
from email_privacy.metadata.layouts import TARGET_OBJECTS
from email_privacy.options import values
from email_privacy.options.settings import ENHANCED_EMAIL_CHOICES, SettingsOptions
from email_privacy.options.spec import OptionSpec, choice, file_to_write, flag, name_list, whole
from email_privacy.steps.verify import VerifyOptions, verify
from email_privacy.steps.who_can_tick import DEFAULT_MINIMUM


class VerifyEmailPrivacy(OrgTask):
    task_docs = """
Reads the org back and fails unless the settings are on and every target page layout and Dynamic Forms record
page has the Individual field; it also counts who can edit Don't Track and Don't Process (under min_editors:
a warning). report, junit and summary write the table for CI. Details: docs/flow.md, docs/reps.md.
"""
    options_spec = OptionSpec(
        file_to_write("report", "Path of a JSON file to write the verification to (mode 0600)."),
        file_to_write(
            "junit",
            "Path of a JUnit XML file to write: one test case per row of the table, a failure for each one that is "
            "wrong, with what to do (mode 0600).",
            "JUnit XML file",
        ),
        file_to_write(
            "summary",
            "Path of a Markdown file to write the verification table to, e.g. for a CI job summary (mode 0600).",
            "Markdown file",
        ),
        choice(
            "enhanced_email",
            ENHANCED_EMAIL_CHOICES,
            "auto: required only where Lightning Experience is on.",
            default="auto",
        ),
        flag("email_tracking", "Whether Enable Email Tracking must be on.", default=True),
        name_list(
            "objects",
            "Objects whose layouts must have the Individual field.",
            TARGET_OBJECTS,
            "Contact and Lead, plus PersonAccount where person accounts are on",
        ),
        PAGES,
        INDIVIDUAL,
        flag(
            "editors",
            "Also count the active users who can edit Don't Track and Don't Process, and through which profiles "
            "and permission sets.",
            default=True,
        ),
        whole(
            "min_editors",
            "How many active users besides you must be able to edit each flag; fewer gives a warning row.",
            DEFAULT_MINIMUM,
            0,
            1_000_000,
        ),
        FLOW_READ,
        flag("dry_run", "Warn instead of failing when the org is not configured."),
        *CLIENT_OPTIONS,
    )

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        o = self.parsed_options
        self.paths = values.report_paths(
            vars(o), {"report": "JSON file", "junit": "JUnit XML file", "summary": "Markdown file"}
        )
        self.settings_options = SettingsOptions(enhanced_email=o.enhanced_email, email_tracking=o.email_tracking)
        self.objects = o.objects
        self.pages = o.pages

    def _run_task(self):
        p = self.paths
        options = VerifyOptions(
            self.settings_options,
            self.objects,
            p["report"],
            self.dry_run,
            junit_path=p["junit"],
            summary_path=p["summary"],
            pages=self.pages,
            individual=self.parsed_options.individual,
            editors=self.parsed_options.editors,
            min_editors=self.parsed_options.min_editors,
            running_user=self.org_config.user_id or "",
        )
        self.return_values = verify(self.connection, self.read, options, self.logger).return_values()

"""CumulusCI task create_missing_individuals: thin; the work is in email_privacy.steps.missing_individuals."""

from email_privacy.api.records import RecordsClient
from email_privacy.options.spec import OptionSpec, flag, text
from email_privacy.steps.individuals_request import parse_condition
from email_privacy.steps.missing_individuals import parse_options, run
from tasks.email_privacy.individuals import SetIndividualPrivacy


class CreateMissingIndividuals(SetIndividualPrivacy):
    task_docs = """
Gives every Contact, Lead and person account that has no Individual (data privacy record) a new one, named
after the record with no flag set, so a rep always finds a record to tick Don't Track / Don't Process on.
It runs set_individual_privacy's own path. In the flow enable_individual_email_tracking it is off unless
``-o create_missing_individuals__enabled true``. Details: docs/reps.md.
"""

    options_spec = OptionSpec(
        text(
            "contacts_where",
            "SOQL condition choosing contacts (what follows WHERE); only contacts, leads and person accounts with a "
            "condition are then searched.",
            parse_condition,
            "a SOQL condition",
        ),
        text(
            "leads_where",
            "SOQL condition choosing leads (converted leads are always left out).",
            parse_condition,
            "a SOQL condition",
        ),
        text(
            "person_accounts_where",
            "SOQL condition choosing person accounts (IsPersonAccount = true is added).",
            parse_condition,
            "a SOQL condition",
        ),
        flag("dry_run", "Report how many records would get an Individual; change nothing."),
        flag("enabled", "false: do nothing (the flow's step is off by default).", default=True),
        *SetIndividualPrivacy.options_spec.pick("bulk_threshold", "upload_limit", "report", "retries"),
    )
    title = "Records given an Individual"

    def _init_options(self, kwargs):
        # The options as this task declares them, not set_individual_privacy's request.
        super(SetIndividualPrivacy, self)._init_options(kwargs)
        o = self.parsed_options
        self.enabled = o.enabled
        self.request = parse_options(vars(o))
        self.report_file = o.report
        self.retries = o.retries

    def _work(self, client: RecordsClient, stem):
        return run(client, self.request, lists_stem=stem)

    def _update_credentials(self):
        # Off (the flow's default): no call to the org at all, not even a token refresh.
        if self.enabled:
            super()._update_credentials()

    def _run_task(self):
        if not self.enabled:
            self.logger.info("create_missing_individuals is off (enabled: false): nothing done.")
            self.return_values = {"enabled": False}
            return
        super()._run_task()

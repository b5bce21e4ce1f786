"""CumulusCI task create_missing_individuals: thin; the work is in email_privacy.features.missing_individuals."""

from email_privacy.cci.options import parse_bool, parse_int
from email_privacy.cci.report import report_path
from email_privacy.features.missing_individuals import parse_options, run
from email_privacy.org.records_client import RecordsClient

from .individuals import SetIndividualPrivacy


class CreateMissingIndividuals(SetIndividualPrivacy):
    task_docs = """
Gives every Contact, Lead and person account that has no Individual (data privacy record) a new one,
named after the record (FirstName, LastName) with no flag set, and links it through the record's
Individual lookup; so a rep always finds a record to tick Don't Track / Don't Process on.
With a condition per object (``contacts_where``, ``leads_where``, ``person_accounts_where``) only the
records it selects, of those objects only. Converted leads are left out (they cannot be updated).

It runs set_individual_privacy's own path: REST below ``bulk_threshold`` records, streamed Bulk API 2.0
jobs at or above it (API calls and memory stay flat however many records), the same report, retries
and handling of records the org refuses. A run that finished leaves nothing for the next one to do.
Email Opt Out is never read or written. ``dry_run`` reports how many would get one and changes nothing.
In the flow enable_individual_email_tracking this step is off unless
``-o create_missing_individuals__enabled true`` is given.
"""

    task_options = {
        "contacts_where": {
            "description": "SOQL condition choosing contacts (what follows WHERE); only contacts, leads and "
            "person accounts with a condition are then searched. Default: every contact without an Individual."
        },
        "leads_where": {"description": "SOQL condition choosing leads (converted leads are always left out)."},
        "person_accounts_where": {
            "description": "SOQL condition choosing person accounts (IsPersonAccount = true is added)."
        },
        "dry_run": {"description": "true: report how many records would get an Individual; change nothing."},
        "enabled": {"description": "false: do nothing (the flow's step is off by default). Default true."},
        **{k: SetIndividualPrivacy.task_options[k] for k in ("bulk_threshold", "upload_limit", "report", "retries")},
    }
    title = "Records given an Individual"

    def _init_options(self, kwargs):
        super(SetIndividualPrivacy, self)._init_options(kwargs)
        self.enabled = parse_bool("enabled", self.options.get("enabled"), default=True)
        self.request = parse_options(self.options)
        self.report_file = report_path("report", self.options.get("report"))
        self.retries = parse_int("retries", self.options.get("retries"), default=3, minimum=0, maximum=10)

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

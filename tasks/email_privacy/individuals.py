"""CumulusCI task set_individual_privacy: thin; the work is in email_privacy.steps.individuals."""

from cumulusci.tasks.salesforce import BaseSalesforceApiTask

from email_privacy.api.ingest_files import SALESFORCE_UPLOAD_LIMIT
from email_privacy.api.records import RecordsClient
from email_privacy.api.rest import mount_rest_retries, session_refresher
from email_privacy.cci.task import OptionsTask
from email_privacy.errors import OrgError
from email_privacy.options.spec import OptionSpec, existing_file, file_to_write, flag, text, whole
from email_privacy.reports.tables import log_table, write_json
from email_privacy.steps.individuals import parse_request, run
from email_privacy.steps.individuals_request import DEFAULT_BULK_THRESHOLD, MIN_UPLOAD_LIMIT, parse_condition

FAILED_SHOWN = 20  # failed records listed in the log; the JSON report has them all


class SetIndividualPrivacy(OptionsTask, BaseSalesforceApiTask):
    task_docs = """
Records individual requests not to be tracked or processed: sets Don't Track and/or Don't Process on the
Individual records of the chosen contacts, leads and person accounts (a CSV file or a SOQL condition per
object), creating and linking an Individual where a record has none. Email Opt Out is never touched.
REST below ``bulk_threshold`` records, streamed Bulk API 2.0 at or above it; a rerun finishes what failed and
changes nothing twice. Details: docs/individuals.md.
"""

    options_spec = OptionSpec(
        existing_file(
            "csv",
            "Path of a CSV file with a column email or id (or both), and optionally object "
            "(Contact, Lead or PersonAccount).",
        ),
        text(
            "contacts_where",
            "SOQL condition choosing contacts (what follows WHERE), e.g. \"Email LIKE '%@example.com'\".",
            parse_condition,
            "a SOQL condition",
        ),
        text("leads_where", "SOQL condition choosing leads.", parse_condition, "a SOQL condition"),
        text(
            "person_accounts_where",
            "SOQL condition choosing person accounts (IsPersonAccount = true is added).",
            parse_condition,
            "a SOQL condition",
        ),
        flag(
            "dont_track",
            "The value for Don't Track (HasOptedOutTracking). Give dont_track, dont_process or both.",
            default=None,
        ),
        flag("dont_process", "The value for Don't Process (HasOptedOutProcessing).", default=None),
        flag("dry_run", "Report what would be created, linked and updated; change nothing."),
        whole(
            "bulk_threshold", "From this many records on, use Bulk API 2.0 instead of REST.", DEFAULT_BULK_THRESHOLD, 1
        ),
        whole(
            "upload_limit",
            "Largest Bulk API 2.0 upload in bytes, counted base64-encoded as Salesforce counts it; a larger write "
            "is split into several jobs.",
            SALESFORCE_UPLOAD_LIMIT,
            MIN_UPLOAD_LIMIT,
            SALESFORCE_UPLOAD_LIMIT,
        ),
        file_to_write(
            "report",
            "Path of a JSON file to write the report to (created readable by you only). Lists longer than 1,000 "
            "entries go to <report>.not_found.csv and <report>.failed.csv.",
        ),
        whole(
            "retries",
            "How many times a call failing with HTTP 502/503/504 or a connection error is repeated.",
            3,
            0,
            10,
        ),
        flag(
            "confirm",
            "Afterwards ask Salesforce's Consent API about every record changed or already set (200 a call) and "
            "report how many it confirms and which it does not.",
            default=True,
        ),
    )

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        # Everything checked before any call to the org: a mistake costs nothing.
        self.request = parse_request(vars(self.parsed_options))
        self.report_file = self.parsed_options.report
        self.retries = self.parsed_options.retries

    title = "Individual privacy requests"

    def _log_consent(self, consent: dict | None) -> None:
        if not consent:
            return
        if consent.get("skipped"):
            self.logger.warning(f"Consent API not asked: {consent['skipped']}")
            return
        self.logger.info(
            f"Consent API: {consent['confirmed']} of {consent['asked']} people confirmed {consent['meaning']} "
            f"({consent['calls']} call(s))."
        )
        if consent["not_confirmed_count"]:
            log_table(
                self.logger,
                f"Not confirmed by the Consent API ({consent['not_confirmed_count']})",
                [("object", "Object"), ("id", "Id"), ("email", "Email"), ("answer", "Consent API's answer")],
                consent["not_confirmed"][:FAILED_SHOWN],
            )

    def _work(self, client: RecordsClient, stem):
        return run(client, self.request, lists_stem=stem)

    def _run_task(self):
        mount_rest_retries(self.sf, retries=self.retries)
        client = RecordsClient.from_sf(
            self.sf,
            refresh=session_refresher(self.org_config, self.project_config.keychain, self.logger),
            progress=self.logger.info,
        )
        stem = self.report_file.with_suffix("") if self.report_file else None
        report = self._work(client, stem)

        title = self.title + (" (dry run: nothing changed)" if report.dry_run else "")
        log_table(
            self.logger, title, [("what", "What"), ("count", "Count"), ("meaning", "Meaning")], report.summary_rows()
        )
        if report.not_found_count:
            shown = ", ".join(report.not_found[:FAILED_SHOWN])
            more = report.not_found_count - min(FAILED_SHOWN, len(report.not_found))
            self.logger.warning(f"Not found: {shown}{f' and {more} more' if more else ''}")
        if report.not_found_file:
            self.logger.warning(f"Every email or id not found: {report.not_found_file}")
        if report.failed_count:
            log_table(
                self.logger,
                f"Failed records ({report.failed_count})",
                [("object", "Object"), ("id", "Id"), ("email", "Email"), ("step", "Step"), ("error", "Org's error")],
                report.failed[:FAILED_SHOWN],
            )
        if report.failed_file:
            self.logger.warning(f"Every failed record: {report.failed_file}")
        self._log_consent(report.consent)
        self.logger.info(
            f"API calls: {report.api_calls} ({', '.join(f'{k}: {v}' for k, v in report.api_calls_by_kind.items())})"
        )
        data = report.to_dict()
        if self.report_file:
            write_json(self.report_file, data)
            self.logger.info(f"Report written to {self.report_file}")
        self.return_values = data
        if report.failed_count:
            # After the report: the records that succeeded stay done; a non-zero exit tells CI.
            raise OrgError(
                f"{report.failed_count} of {report.matched} records failed (first: "
                f"{report.failed[0]['id']}: {report.failed[0]['error']}); fix the cause and run again "
                "to finish them."
            )

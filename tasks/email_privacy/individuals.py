"""CumulusCI task set_individual_privacy: thin; the work is in email_privacy.individuals."""

from cumulusci.tasks.salesforce import BaseSalesforceApiTask

from email_privacy.cci.options import parse_int
from email_privacy.cci.report import log_table, report_path, write_json
from email_privacy.data_client import OrgClient
from email_privacy.errors import OrgError
from email_privacy.individuals import parse_request, run
from email_privacy.org.rest import mount_rest_retries, refresh_session

FAILED_SHOWN = 20  # failed records listed in the log; the JSON report has them all


class SetIndividualPrivacy(BaseSalesforceApiTask):
    task_docs = """
Records individual requests not to be tracked or processed: sets Don't Track
(Individual.HasOptedOutTracking) and/or Don't Process (Individual.HasOptedOutProcessing) on the
Individual records of the chosen contacts, leads and person accounts.

Choose the records with a CSV file (column ``email`` or ``id``, optional ``object``: Contact, Lead or
PersonAccount; an email with no object is looked up on all three) or with a SOQL condition per object.
A record without an Individual gets a new one (first and last name from the record), linked through
its Individual lookup (found from the object's describe). Records sharing an Individual update it once.
Email Opt Out is never touched.

Up to ``bulk_threshold`` records go through the REST API (sObject Collections, 200 a call); at or above
it through Bulk API 2.0 jobs, so the number of API calls stays flat however many records there are.
A record the org refuses is reported with the org's error and does not undo the others; running again
finishes the rest and changes nothing twice. ``dry_run`` reports what would change and changes nothing.

The report (a table in the log; JSON with ``report``): matched, created, linked, updated, already_set,
not_found (emails or ids with no record), failed (object, id, email, step, the org's error), api_calls.
"""

    task_options = {
        "csv": {
            "description": "Path of a CSV file with a column email or id (or both), and optionally object "
            "(Contact, Lead or PersonAccount)."
        },
        "contacts_where": {
            "description": "SOQL condition choosing contacts (what follows WHERE), e.g. \"Email LIKE '%@example.com'\"."
        },
        "leads_where": {"description": "SOQL condition choosing leads."},
        "person_accounts_where": {
            "description": "SOQL condition choosing person accounts (IsPersonAccount = true is added)."
        },
        "dont_track": {
            "description": "true or false: the value for Don't Track (HasOptedOutTracking). "
            "Give dont_track, dont_process or both."
        },
        "dont_process": {"description": "true or false: the value for Don't Process (HasOptedOutProcessing)."},
        "dry_run": {
            "description": "true: report what would be created, linked and updated; change nothing. Default false."
        },
        "bulk_threshold": {"description": "From this many records on, use Bulk API 2.0 instead of REST. Default 2000."},
        "report": {"description": "Path of a JSON file to write the report to (created readable by you only)."},
        "retries": {
            "description": "How many times a call failing with HTTP 502/503/504 or a connection error is "
            "repeated. Default 3."
        },
    }

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        # Everything checked before any call to the org: a mistake costs nothing.
        self.request = parse_request(self.options)
        self.report_file = report_path("report", self.options.get("report"))
        self.retries = parse_int("retries", self.options.get("retries"), default=3, minimum=0, maximum=10)

    def _run_task(self):
        mount_rest_retries(self.sf, retries=self.retries)
        client = OrgClient.from_sf(self.sf, refresh=lambda: refresh_session(self), progress=self.logger.info)
        report = run(client, self.request)

        title = "Individual privacy requests" + (" (dry run: nothing changed)" if report.dry_run else "")
        log_table(
            self.logger, title, [("what", "What"), ("count", "Count"), ("meaning", "Meaning")], report.summary_rows()
        )
        if report.not_found:
            shown = ", ".join(report.not_found[:FAILED_SHOWN])
            more = f" and {len(report.not_found) - FAILED_SHOWN} more" if len(report.not_found) > FAILED_SHOWN else ""
            self.logger.warning(f"Not found: {shown}{more}")
        if report.failed:
            log_table(
                self.logger,
                f"Failed records ({len(report.failed)})",
                [("object", "Object"), ("id", "Id"), ("email", "Email"), ("step", "Step"), ("error", "Org's error")],
                report.failed[:FAILED_SHOWN],
            )
        self.logger.info(
            f"API calls: {report.api_calls} ({', '.join(f'{k}: {v}' for k, v in report.api_calls_by_kind.items())})"
        )
        data = report.to_dict()
        if self.report_file:
            write_json(self.report_file, data)
            self.logger.info(f"Report written to {self.report_file}")
        self.return_values = data
        if report.failed:
            # After the report: the records that succeeded stay done; a non-zero exit tells CI.
            raise OrgError(
                f"{len(report.failed)} of {report.matched} records failed (first: "
                f"{report.failed[0]['id']}: {report.failed[0]['error']}); fix the cause and run again "
                "to finish them."
            )

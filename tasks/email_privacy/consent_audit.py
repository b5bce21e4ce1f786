"""CumulusCI task audit_individual_privacy: thin; the work is in email_privacy.steps.consent_audit."""

from datetime import UTC, datetime

from cumulusci.tasks.salesforce import BaseSalesforceApiTask

from email_privacy.api.records import RecordsClient
from email_privacy.api.rest import mount_rest_retries, session_refresher
from email_privacy.cci.task import OptionsTask
from email_privacy.errors import OrgError
from email_privacy.options import values
from email_privacy.options.spec import OptionSpec, file_to_write, flag
from email_privacy.reports import junit, tables
from email_privacy.steps.consent_audit import run_audit
from email_privacy.steps.individuals import parse_request
from tasks.email_privacy.individuals import SetIndividualPrivacy

CHOICE_OPTIONS = ("csv", "contacts_where", "leads_where", "person_accounts_where", "bulk_threshold", "retries")


class AuditIndividualPrivacy(OptionsTask, BaseSalesforceApiTask):
    task_docs = """
Asks Salesforce's own Consent API whether the chosen people may be tracked or processed, and fails unless it
answers what their flags should say (``dont_track true`` expects "may not track"). It answers the least
permissive preference over every record linked to a person, so one changed back by hand shows up here.
People are chosen as for set_individual_privacy. Details: docs/reps.md.
"""

    options_spec = OptionSpec(
        *SetIndividualPrivacy.options_spec.pick(*CHOICE_OPTIONS),
        flag(
            "dont_track",
            "What Don't Track should be for these people (true: the Consent API must answer that they may not be "
            "tracked). Give dont_track, dont_process or both.",
            default=None,
        ),
        flag("dont_process", "What Don't Process should be for these people.", default=None),
        file_to_write("report", "Path of a JSON file to write the audit to (readable by you only)."),
        file_to_write(
            "junit", "Path of a JUnit XML file: one test case per row, for CI test reporters.", "JUnit XML file"
        ),
        file_to_write("summary", "Path of a Markdown file with the table, e.g. for a CI job summary.", "Markdown file"),
        flag("dry_run", "Warn instead of failing when people are not confirmed."),
    )

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        o = self.parsed_options
        self.request = parse_request(vars(o))
        self.paths = values.report_paths(
            vars(o), {"report": "JSON file", "junit": "JUnit XML file", "summary": "Markdown file"}
        )
        self.retries = o.retries
        self.warn_only = o.dry_run

    def _run_task(self):
        mount_rest_retries(self.sf, retries=self.retries)
        client = RecordsClient.from_sf(
            self.sf,
            refresh=session_refresher(self.org_config, self.project_config.keychain, self.logger),
            progress=self.logger.info,
        )
        audit = run_audit(client, self.request)
        rows = audit.rows()
        org = self.org_config.name or "org"
        columns = [("item", "Item"), ("name", "Name"), ("state", "State"), ("verdict", "Verdict")]
        tables.log_table(self.logger, "Consent API audit", columns, rows)
        data = {**audit.to_dict(), "rows": rows, "api_calls": client.calls}
        p = self.paths
        if p["report"]:
            tables.write_json(p["report"], data)
        if p["junit"]:
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
            junit.write_private(p["junit"], junit.junit_xml(rows, org, stamp))
        if p["summary"]:
            verdict = "all confirmed" if audit.ok else f"{audit.check.not_confirmed_count} NOT confirmed"
            heading = f"Consent API audit of {org}: {verdict}"
            junit.write_private(p["summary"], junit.markdown_summary(rows, org, heading).encode("utf-8"))
        self.return_values = data
        if audit.ok and not audit.not_found_count:
            return
        message = (
            f"The Consent API does not confirm {audit.check.not_confirmed_count} of {audit.check.asked} people "
            f"{audit.to_dict()['meaning']}"
            + (f"; {audit.not_found_count} emails or ids name no record" if audit.not_found_count else "")
            + "."
        )
        if self.warn_only:
            self.logger.warning(message)
            return
        raise OrgError(message)

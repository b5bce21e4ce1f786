"""CumulusCI task check_api_requests: enough daily API requests left for a run? Checked before any change."""

from email_privacy.cci.spec import OptionSpec, file_to_write, whole
from email_privacy.cci.task import CLIENT_OPTIONS, MetadataTask
from email_privacy.features.api_requests import check_api_requests


class CheckApiRequests(MetadataTask):
    task_docs = """
Reads the org's remaining daily API requests (the Limits resource, DailyApiRequests) and fails, changing
nothing, when fewer than minimum are left: Salesforce refuses every API request once the rolling 24-hour
allocation is spent, so a run started near it can stop half-way and starve the org's other integrations.
As a flow's first step it keeps the later steps from running. The report option writes what it read as
JSON (max, remaining, minimum, enough), before failing, so CI can tell a skipped org from a failed one.
"""
    options_spec = OptionSpec(
        whole("minimum", "Fewest daily API requests that must be left to go on (0: only report).", 0, 0, 100_000_000),
        file_to_write("report", "Path of a JSON file to write what was read to (mode 0600)."),
        *CLIENT_OPTIONS,
    )

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        self.minimum = self.parsed_options.minimum
        self.report_path = self.parsed_options.report

    def _run_task(self):
        checked = check_api_requests(self.connection, self.minimum, self.report_path, self.logger)
        self.return_values = checked.as_dict()

"""CumulusCI task check_api_requests: enough daily API requests left for a run? Checked before any change."""

from email_privacy.cci.task import CLIENT_OPTIONS, OrgTask
from email_privacy.options.spec import OptionSpec, file_to_write, whole
from email_privacy.steps.api_requests import check_api_requests


class CheckApiRequests(OrgTask):
    task_docs = """
Fails, changing nothing, when fewer than minimum daily API requests are left (the Limits resource), so a run
does not stop half-way and starve the org's other integrations. Details: docs/many-orgs.md.
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

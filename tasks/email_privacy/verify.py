"""CumulusCI task verify_email_privacy: read the org back and fail unless it is really configured."""

from datetime import UTC, datetime

from email_privacy import preflight, report, verify
from email_privacy.errors import OptionError, OrgError
from email_privacy.layouts import TARGET_OBJECTS
from email_privacy.metadata_api import CLIENT_TASK_OPTIONS, ORG_STATE_OPTION, MetadataTask
from email_privacy.options import parse_list
from email_privacy.orgstate import read_org
from email_privacy.settings import SettingsOptions


class VerifyEmailPrivacy(MetadataTask):
    task_docs = """
Reads the org back (one retrieve of the settings and the target layouts) and fails unless:

- Data Protection and Privacy ("Make data protection details available in records"), Enforce email privacy
  settings and, unless email_tracking is false, Enable Email Tracking are on;
- Enhanced Email is on where it is required (enhanced_email: auto = where Lightning Experience is on; true);
- every Contact, Lead and (where person accounts are on) Person Account page layout has the Individual field.

Prints a table of every setting and layout (the names a person sees in Setup) with its state and verdict; the
report option writes the same as JSON, readable by the owner only. In the flow it takes the prerequisites' read
as org_state and reuses it, with no Metadata API call, when that read already showed the org configured or the
run is a dry run (nothing was deployed in between); otherwise it retrieves again. With dry_run it reports what is
not configured yet as a warning instead of failing.
"""
    task_options = {
        "report": {"description": "Path of a JSON file to write the verification to (mode 0600). Default: none."},
        "enhanced_email": {
            "description": "auto (required only where Lightning Experience is on), true or false. Default: auto."
        },
        "email_tracking": {"description": "Whether Enable Email Tracking must be on. Default: true."},
        "objects": {
            "description": "Objects whose layouts must have the Individual field, from Contact, Lead, PersonAccount. "
            "Default: Contact and Lead, plus PersonAccount where person accounts are on."
        },
        **ORG_STATE_OPTION,
        "dry_run": {"description": "Warn instead of failing when the org is not configured. Default: false."},
        **CLIENT_TASK_OPTIONS,
    }

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        o = self.options
        self.report_path = report.report_path("report", o.get("report"))
        self.settings_options = SettingsOptions.from_options(o)
        self.objects = parse_list("objects", o.get("objects"), TARGET_OBJECTS)

    def _rows(self, state, objects):
        return verify.state_rows(state, objects, self.settings_options)

    def _read(self, objects):
        known = self.org_state
        if known is None or not known.covers(objects):
            return read_org(self.client, objects)
        # The prerequisites already listed the layouts: retrieve the same ones, no second listMetadata (issue 7).
        try:
            return read_org(self.client, objects, layouts=sorted(known.layout_files))
        except OptionError as err:
            raise OrgError(f"A layout was deleted during the run ({err}); run verify_email_privacy again.") from None

    def _run_task(self):
        if self.objects and self.org_state is not None:
            objects = self.objects
        else:
            objects = preflight.target_objects(self.objects, self.person_accounts_enabled(), self.logger)

        state, reused = self.org_state, False
        if state is not None:
            # Reuse is sound only when nothing can have been deployed since that read: a dry run, or an org
            # the read already showed configured (the steps between deploy only what is missing).
            reused = self.dry_run or verify.configured(self._rows(state, objects))
        if not reused:
            state = self._read(objects)
        rows = self._rows(state, objects)

        source = "reusing the prerequisites' read: nothing deployed since" if reused else "read back from the org"
        report.log_table(
            self.logger,
            f"Email privacy verification ({source})",
            verify.table_columns(rows),
            [r.as_dict() for r in rows],
        )
        ok = verify.configured(rows)
        data = verify.report_data(
            rows,
            {
                "name": self.org_config.name,
                "org_id": self.org_config.org_id,
                "instance_url": self.org_config.instance_url,
            },
            datetime.now(UTC).isoformat(timespec="seconds"),
            reused,
        )
        if self.report_path:
            report.write_json(self.report_path, data)
            self.logger.info(f"Report written to {self.report_path}")
        self.return_values = {"configured": ok, "reused_read": reused, "report": str(self.report_path or ""), **data}
        if ok:
            self.logger.info(
                "The org honours individual email-tracking preferences: every setting is on and every layout has the Individual field."
            )
        elif self.dry_run:
            self.logger.warning("Dry run: " + verify.failure_message(rows))
        else:
            verify.raise_unless_configured(rows)

"""Verification: is the org really configured? Pure functions over one read; the org is configured when every
required row is right."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from email_privacy.errors import OrgError
from email_privacy.metadata.layouts import INDIVIDUAL_OBJECT
from email_privacy.options.settings import SettingsOptions
from email_privacy.private_files import write_private
from email_privacy.reports.junit import junit_xml, markdown_summary
from email_privacy.reports.tables import counted_when_ok, log_table, write_json
from email_privacy.steps.read import reuse_or_read
from email_privacy.steps.verdict import Row, configured, target_objects, verdict
from email_privacy.steps.who_can_tick import DEFAULT_MINIMUM, editors

# The table shows what a person acts on; the JSON report adds api_name, object and required.
COLUMNS = (("item", "Item"), ("name", "Name"), ("state", "State"), ("verdict", "Verdict"))
PACKAGE_COLUMN = ("package", "Package")


def table_columns(rows: Iterable[Row]) -> tuple:
    """COLUMNS, with a Package column after Name when a managed layout is among the rows (kept out
    otherwise, so the table stays narrow enough for an 80-column terminal)."""
    if any(r.package for r in rows):
        return COLUMNS[:2] + (PACKAGE_COLUMN,) + COLUMNS[2:]
    return COLUMNS


def failure_message(rows: Iterable[Row]) -> str:
    """One line naming every setting that is off and every layout that lacks the field."""
    rows = [r for r in rows if not r.ok]
    settings = [f"{r.name} is {r.state}" for r in rows if r.kind == "Setting"]
    flags = [f"{r.name} ({r.state})" for r in rows if r.object == INDIVIDUAL_OBJECT and r.kind in ("Layout", "Page")]
    rows = [r for r in rows if r.object != INDIVIDUAL_OBJECT]
    layouts = [
        f"{r.name} ({r.object}{', package ' + r.package if r.package else ''})" for r in rows if r.kind == "Layout"
    ]
    parts = []
    if settings:
        parts.append("; ".join(settings))
    if layouts:
        parts.append(f"{len(layouts)} layout(s) lack the Individual field: {', '.join(layouts)}")
    pages = [f"{r.name} ({r.object})" for r in rows if r.kind == "Page"]
    if pages:
        parts.append(f"{len(pages)} Dynamic Forms page(s) lack the Individual field: {', '.join(pages)}")
    if flags:
        parts.append(f"Individual's own layout(s) or page(s) lack Don't Track / Don't Process: {', '.join(flags)}")
    return (
        "The org is not configured for individual email-tracking preferences: "
        + "; ".join(parts)
        + ". Run cci flow run enable_individual_email_tracking again, or see the table above."
    )


def raise_unless_configured(rows: Iterable[Row]) -> None:
    """OrgError with failure_message when any row is wrong."""
    rows = list(rows)
    if not configured(rows):
        raise OrgError(failure_message(rows))


def report_data(rows: Iterable[Row], org: Mapping, checked_at: str, reused_read: bool) -> dict:
    """The JSON report: the same rows as the table, plus which org and when."""
    rows = list(rows)
    return {
        "configured": configured(rows),
        "checked_at": checked_at,
        "org": dict(org),
        "reused_prerequisites_read": reused_read,
        "settings": [r.as_dict() for r in rows if r.kind == "Setting"],
        "layouts": [r.as_dict() for r in rows if r.kind == "Layout"],
        "access": [r.as_dict() for r in rows if r.kind == "Access"],
        "pages": [
            {"name": r.name, "object": r.object, "kind": r.page_kind, "state": r.state, "verdict": r.verdict}
            for r in rows
            if r.kind == "Page"
        ],
    }


def write_reports(options: "VerifyOptions", data: dict, rows: list[dict], org_name: str, log) -> None:
    """The files the options ask for (JSON report, JUnit XML, Markdown summary), all owner-only, written
    before any failure is raised so a CI job that fails still has them."""
    if options.report_path:
        write_json(options.report_path, data)
        log.info(f"Report written to {options.report_path}")
    if options.junit_path:
        write_private(options.junit_path, junit_xml(rows, org_name, data["checked_at"]))
        log.info(f"JUnit results written to {options.junit_path}")
    if options.summary_path:
        write_private(options.summary_path, markdown_summary(rows, org_name).encode("utf-8"))
        log.info(f"Summary written to {options.summary_path}")


@dataclass
class VerifyOptions:
    settings: SettingsOptions
    objects: list[str]
    report_path: Path | None = None
    dry_run: bool = False
    junit_path: Path | None = None
    summary_path: Path | None = None
    pages: bool = True  # also the Lightning record pages of Contact, Lead and Account
    individual: bool = True  # also Individual's own layouts and pages must show Don't Track and Don't Process
    editors: bool = True  # also who can edit Don't Track and Don't Process (steps/who_can_tick.py)
    min_editors: int = DEFAULT_MINIMUM  # active users besides the running user who must be able to
    running_user: str = ""  # the running user's id


@dataclass
class VerifyResult:
    configured: bool
    reused_read: bool
    report_path: str  # where the JSON report was written, "" when it was not
    data: dict  # the JSON report: the rows, which org and when

    def return_values(self) -> dict:
        head = {"configured": self.configured, "reused_read": self.reused_read, "report": self.report_path}
        return {**head, **self.data}


ASSIGN_HINT = (
    "Assign them the permission set Email Privacy: Individual Access (deploy_email_privacy_permission_set "
    "with assign_to_usernames or assign_to_where)."
)


def access_rows(org, options: "VerifyOptions") -> list[Row]:
    """One row per flag: how many active users can edit it and through what; a warning under the minimum."""
    if not options.editors:
        return []
    return [
        Row("Access", f"Who can edit {e.label}", f"Individual.{e.field}", e.state(), True, True,
            warning=e.others < options.min_editors)
        for e in editors(org.rest.query_all, options.running_user)
    ]  # fmt: skip


def verify(org, read, options: VerifyOptions, log) -> VerifyResult:
    """Read the org back (or reuse the flow's read when nothing can have been deployed since), log the table,
    write the JSON report. OrgError unless configured, a warning in a dry run."""
    if options.objects and read is not None:
        objects = list(options.objects)
    else:
        objects = target_objects(options.objects, org.rest.person_accounts_enabled(), log)
    if options.individual:
        objects = [*objects, INDIVIDUAL_OBJECT]
    # Reuse is sound only when nothing can have been deployed since that read: a dry run, or an org the
    # read already showed configured (the steps between deploy only what is missing).
    stale = read is not None and not (options.dry_run or verdict(read, objects, options.settings).configured)
    read, reused = reuse_or_read(org.metadata, read, settings=True, objects=objects, stale=stale, pages=options.pages)
    rows = [*verdict(read, objects, options.settings).rows, *access_rows(org, options)]
    source = "reusing the prerequisites' read: nothing deployed since" if reused else "read back from the org"
    listed = [r.as_dict() for r in rows]
    log_table(log, f"Email privacy verification ({source})", table_columns(rows), listed,
              counted_when_ok, (options.report_path, options.junit_path, options.summary_path))  # fmt: skip
    for r in rows:
        if r.warning:
            log.warning(f"{r.name}: {r.state}; fewer than {options.min_editors} besides you. {ASSIGN_HINT}")
    ok = configured(rows)
    who = {"name": org.name, "org_id": org.org_id, "instance_url": org.instance_url}
    data = report_data(rows, who, datetime.now(UTC).isoformat(timespec="seconds"), reused)
    write_reports(options, data, listed, org.name, log)
    result = VerifyResult(ok, reused, str(options.report_path or ""), data)
    if ok:
        log.info(
            "The org honours individual email-tracking preferences: every setting is on and every layout "
            + ("and Dynamic Forms page " if any(r.kind == "Page" and r.required for r in rows) else "")
            + "has the Individual field."
        )
    elif options.dry_run:
        log.warning("Dry run: " + failure_message(rows))
    else:
        raise_unless_configured(rows)
    return result

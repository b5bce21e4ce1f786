"""Verification: is the org really configured? Pure functions over one read; the org is configured when every
required row is right."""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from email_privacy.errors import OrgError
from email_privacy.metadata import documents, flexipages, names
from email_privacy.metadata.layouts import INDIVIDUAL_OBJECT, has_field, required_fields
from email_privacy.metadata.settings import CONSENT, EMAIL_CONSENT, EMAIL_TRACKING, ENHANCED_EMAIL, FEATURE_SETTINGS
from email_privacy.private_files import write_private
from email_privacy.reports.junit import junit_xml, markdown_summary
from email_privacy.reports.tables import counted_when_ok, log_table, write_json
from email_privacy.steps.read import reuse_or_read
from email_privacy.steps.settings import SettingsOptions, desired_settings
from email_privacy.steps.who_can_tick import DEFAULT_MINIMUM, editors

# The table shows what a person acts on; the JSON report adds api_name, object and required.
COLUMNS = (("item", "Item"), ("name", "Name"), ("state", "State"), ("verdict", "Verdict"))
PACKAGE_COLUMN = ("package", "Package")


@dataclass(frozen=True)
class Row:
    """One verified item: a setting or a layout."""

    kind: str  # "Setting" or "Layout"
    name: str  # what a person recognises: the Setup label, or the layout name decoded
    api_name: str  # PartyDataModelSettings.enableConsentManagement, or the layout's full name
    state: str
    required: bool
    ok: bool
    object: str = ""  # for layouts: Contact, Lead, PersonAccount
    package: str = ""  # for managed layouts: the namespace of the package that installed it
    page_kind: str = ""  # for pages: the kind flexipages.classify gives (dynamic_forms, record_detail ...)
    warning: bool = False  # right enough to pass, but worth a person's attention (too few can edit a flag)

    @property
    def verdict(self) -> str:
        if self.warning:
            return "WARNING"
        if self.kind == "Page" and not self.required:
            return "left alone"
        if not self.required and self.state != "on":
            return "not required"
        return "OK" if self.ok else "MISSING"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["verdict"] = self.verdict
        data["item"] = self.object or self.kind  # "Setting", or the layout's object
        return data


def setting_rows(current: Mapping[str, Mapping[str, object]], required: Iterable[tuple[str, str]]) -> list[Row]:
    """One row per feature switch, in the order Salesforce Help lists them. A switch not required
    (Enhanced Email in a Classic org, email tracking when turned off by option) is OK whatever its value."""
    required = set(required)
    rows = []
    for key in (CONSENT, EMAIL_CONSENT, ENHANCED_EMAIL, EMAIL_TRACKING):
        value = current.get(key[0], {}).get(key[1])
        state = {True: "on", False: "off"}.get(value, "unknown")
        needed = key in required
        rows.append(
            Row("Setting", FEATURE_SETTINGS[key], f"{key[0]}.{key[1]}", state, needed, value is True or not needed)
        )
    return rows


def layout_rows(
    layout_files: Mapping[str, bytes], objects: Iterable[str], packages: Mapping[str, str | None] | None = None
) -> list[Row]:
    """One row per target layout; an object with no layout fails, since every object has one and the read missed it."""
    objects = list(objects)
    packages = packages or {}
    rows = []
    seen = set()

    def label(n):
        return names.human_label(n, packages.get(n))

    for full_name in sorted(layout_files, key=lambda n: (names.layout_object(n), label(n).lower(), n)):
        obj = names.layout_object(full_name)
        if obj not in objects:
            continue
        seen.add(obj)
        tree = documents.parse(layout_files[full_name], full_name)
        present, state = _presence(lambda f, t=tree: has_field(t, f), required_fields(obj))
        package = names.layout_package(full_name, packages.get(full_name)) or ""
        rows.append(Row("Layout", label(full_name), full_name, state, True, present, obj, package))
    for obj in objects:
        if obj not in seen:
            rows.append(Row("Layout", f"(no {obj} layout found)", "", "not found", True, False, obj))
    return rows


def _presence(has, fields: tuple[str, ...]) -> tuple[bool, str]:
    """(all present, "has A" / "has A and B" / "lacks B") for a layout's or page's required fields."""
    missing = [f for f in fields if not has(f)]
    if missing:
        return False, "lacks " + " and ".join(missing)
    return True, "has " + " and ".join(fields)


def page_rows(state, objects: Iterable[str]) -> list[Row]:
    """One row per record page the read kept: a Dynamic Forms page of a target object must place the
    Individual field (it shows its own fields, not the layout's); every other page is listed, left alone."""
    objects = list(objects)
    rows = []
    for name in sorted(state.page_files):
        page = state.page_classes[name]
        if page.kind in flexipages.CHANGED_KINDS and page.target in objects:
            tree = documents.parse(state.page_files[name], name)
            present, state_text = _presence(lambda f, t=tree: flexipages.has_field(t, f), required_fields(page.target))
            rows.append(Row("Page", name, name, state_text, True, present, page.target, page_kind=page.kind))
        else:
            obj = page.target or page.sobject_type
            rows.append(Row("Page", name, name, page.reason, False, True, obj, page_kind=page.kind))
    return rows


def target_objects(requested, person_accounts: bool, logger=None) -> list[str]:
    """The objects whose layouts are in scope: `requested`, or Contact and Lead plus PersonAccount where person
    accounts are on. A PersonAccount request on an org without them is dropped with a warning."""
    if not requested:
        return ["Contact", "Lead"] + (["PersonAccount"] if person_accounts else [])
    if "PersonAccount" in requested and not person_accounts:
        if logger is not None:
            logger.warning("PersonAccount skipped: person accounts are off in this org.")
        return [o for o in requested if o != "PersonAccount"]
    return list(requested)


def state_rows(state, objects: Iterable[str], settings_options: SettingsOptions) -> list[Row]:
    """Every row for an OrgState (steps.read.read_org): the four switches, then the target layouts.
    Enhanced Email counts as required under `auto` when the read did not say whether Lightning is on."""
    lightning = state.lightning_on
    required = desired_settings(settings_options, True if lightning is None else lightning)
    packages = {e["retrieveName"]: e.get("namespacePrefix") for e in state.layouts if e.get("retrieveName")}
    rows = setting_rows(state.settings, required) + layout_rows(state.layout_files, objects, packages)
    return rows + page_rows(state, objects)


def table_columns(rows: Iterable[Row]) -> tuple:
    """COLUMNS, with a Package column after Name when a managed layout is among the rows (kept out
    otherwise, so the table stays narrow enough for an 80-column terminal)."""
    if any(r.package for r in rows):
        return COLUMNS[:2] + (PACKAGE_COLUMN,) + COLUMNS[2:]
    return COLUMNS


def configured(rows: Iterable[Row]) -> bool:
    return all(r.ok for r in rows)


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
    stale = read is not None and not (options.dry_run or configured(state_rows(read, objects, options.settings)))
    state, reused = reuse_or_read(org.metadata, read, settings=True, objects=objects, stale=stale, pages=options.pages)
    rows = state_rows(state, objects, options.settings) + access_rows(org, options)
    source = "reusing the prerequisites' read: nothing deployed since" if reused else "read back from the org"
    log_table(log, f"Email privacy verification ({source})", table_columns(rows), [r.as_dict() for r in rows],
              counted_when_ok, (options.report_path, options.junit_path, options.summary_path))  # fmt: skip
    for r in rows:
        if r.warning:
            log.warning(f"{r.name}: {r.state}; fewer than {options.min_editors} besides you. {ASSIGN_HINT}")
    ok = configured(rows)
    who = {"name": org.name, "org_id": org.org_id, "instance_url": org.instance_url}
    data = report_data(rows, who, datetime.now(UTC).isoformat(timespec="seconds"), reused)
    write_reports(options, data, [r.as_dict() for r in rows], org.name, log)
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

"""Add the Individual lookup to page layouts, and to the Dynamic Forms record pages (pages.py) that show
their own fields instead: one listMetadata, one retrieve, one deploy of what changed.

CumulusCI's own add_page_layout_fields is not used: it skips every layout after the first one that
already has the field, redeploys unchanged layouts and keeps no copy (docs/salesforce-facts.md,
"CumulusCI 4.10").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from email_privacy.errors import OrgError
from email_privacy.metadata import names
from email_privacy.metadata.describe import DESCRIBE_OBJECT
from email_privacy.metadata.layouts import (
    INDIVIDUAL_FIELD,
    INDIVIDUAL_FLAGS,
    INDIVIDUAL_OBJECT,
    TARGET_OBJECTS,
    add_field_bytes,
    anchor_fields,
    unified_diff,
)
from email_privacy.reports.tables import log_names
from email_privacy.steps import snapshots
from email_privacy.steps.guard import Moved, changed_since, pages_changed_since
from email_privacy.steps.pages import PagePlan, plan_pages
from email_privacy.steps.read import lookup_names, reuse_or_read
from email_privacy.steps.step import Plan, Step


@dataclass
class LayoutOptions:
    """What add_individual_field_to_layouts was asked: `objects` or explicit `layouts` (retrieve names)."""

    objects: list[str] = field(default_factory=list)
    layouts: list[str] | None = None
    behavior: str = "Edit"
    position: str = "after_email_opt_out"
    snapshot_dir: object = snapshots.DEFAULT_BASE
    permission_sets: dict[str, bytes] = field(default_factory=dict)
    dry_run: bool = False
    check_only: bool = False
    pages: bool = True  # also the Dynamic Forms record pages (never with explicit `layouts`)
    individual: bool = True  # also Individual's own layouts and pages get Don't Track and Don't Process


@dataclass
class LayoutPlan:
    """What adding the field would do: {retrieve name: (old bytes, new bytes)} to deploy, and the rest."""

    changes: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def new_files(self) -> dict[str, bytes]:
        """{retrieve name: the edited layout} of every layout that changes."""
        return {n: new for n, (_, new) in self.changes.items()}


def plan_layouts(layouts: dict, fields: dict[str, str], behavior: str, position: str) -> LayoutPlan:
    """Add each object's field (`fields`: {object: field, or a tuple of fields}) to its layouts (`layouts`: the
    read's documents); layouts of other objects are skipped."""
    plan = LayoutPlan()
    for name in sorted(layouts):
        obj = names.layout_object(name)
        if obj not in fields:
            plan.skipped.append(name)
            continue
        doc = layouts[name]
        old = new = doc.data
        wanted = (fields[obj],) if isinstance(fields[obj], str) else fields[obj]
        # Individual's flags always go beside its other privacy flags (else the first section's first column).
        where = "after_email_opt_out" if obj == INDIVIDUAL_OBJECT else position
        for i, field_name in enumerate(wanted):  # a second field goes right after the first
            anchors = (wanted[i - 1],) if i else anchor_fields(obj)
            tree = doc.tree if new is old else None  # the read's parse, while nothing was added yet
            edited = add_field_bytes(
                new, field_name, behavior, where, name=names.display_name(name), email_opt_out=anchors, tree=tree
            )
            new = edited if edited is not None else new
        if new is old:
            plan.unchanged.append(name)
        else:
            plan.changes[name] = (old, new)
    return plan


@dataclass
class LayoutsResult:
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    snapshot: str | None = None
    deployed: bool = False
    dry_run: bool = False
    check_only: bool = False
    permission_sets_deployed: list[str] = field(default_factory=list)
    pages_changed: list[str] = field(default_factory=list)
    pages_unchanged: list[str] = field(default_factory=list)
    pages: list[dict] = field(default_factory=list)  # each page read: name, object, kind, verdict

    def return_values(self) -> dict:
        return dict(self.__dict__)


def individual_fields(org, objects, dry_run: bool, log, found: dict) -> tuple[dict[str, str], list[str]]:
    """{object: Individual lookup name}, from `found` (the flow's read) or else the describes (added to `found`), and
    the objects skipped (PersonAccount where person accounts are off). In a dry run before Data Protection and
    Privacy is on, the usual name is assumed."""
    asked = [o for o in objects if o not in found]
    skipped = [o for o in asked if o == "PersonAccount" and not org.rest.person_accounts_enabled()]
    found.update(lookup_names(org.rest, [o for o in asked if o not in skipped]))
    fields = {}
    for obj in (o for o in objects if o not in skipped):
        if obj in found:
            fields[obj] = found[obj]
        elif dry_run:
            fields[obj] = INDIVIDUAL_FIELD[obj]
            log.warning(
                f"{DESCRIBE_OBJECT[obj]} has no lookup to Individual yet (Data Protection and "
                f"Privacy is off); the dry run assumes {fields[obj]}."
            )
        else:
            raise OrgError(
                f"{DESCRIBE_OBJECT[obj]} has no field that looks up Individual: turn on Data Protection "
                "and Privacy first (run deploy_email_privacy_settings), then run again."
            )
    return fields, skipped


class LayoutsStep(Step):
    """Add the Individual lookup to the layouts (and Dynamic Forms pages) of the chosen objects, in one deploy
    with the permission sets the flow deferred to this step; snapshot the originals first."""

    def __init__(self, org, log, options: LayoutOptions):
        super().__init__(org, log, options.dry_run, options.check_only)
        self.o = options

    def read(self, flow_read):
        o = self.o
        if o.layouts:
            wanted = sorted({names.layout_object(n) for n in o.layouts})
        else:
            wanted = o.objects or list(TARGET_OBJECTS)
        individual = INDIVIDUAL_OBJECT in wanted or (o.individual and not o.layouts)
        wanted = [w for w in wanted if w != INDIVIDUAL_OBJECT]
        lookups = dict(flow_read.individual_fields) if flow_read is not None else {}
        self.fields, self.skipped_objects = individual_fields(self.org, wanted, o.dry_run, self.log, lookups)
        for obj in self.skipped_objects:
            level = self.log.warning if (o.objects or o.layouts) else self.log.info
            level(f"{obj}: person accounts are off in this org; its layouts are skipped.")
        if individual:
            self.fields[INDIVIDUAL_OBJECT] = INDIVIDUAL_FLAGS
            wanted = [*wanted, INDIVIDUAL_OBJECT]
        self.objects = [obj for obj in wanted if obj in self.fields]
        self.read_pages = o.pages and not o.layouts
        read, _ = reuse_or_read(
            self.org.metadata, flow_read, objects=self.objects, layouts=o.layouts, pages=self.read_pages
        )
        # Names found now (Data Protection and Privacy was off at the flow's read) serve verify too.
        read.individual_fields.update(lookups)
        return read

    def plan(self, read) -> Plan:
        docs = {n: d for n, d in read.layouts.items() if names.layout_object(n) in self.objects}
        self.layouts = layouts = plan_layouts(docs, self.fields, self.o.behavior, self.o.position)
        self.pages = pages = plan_pages(read, self.fields) if self.read_pages else PagePlan()
        self.packages = {n: d.package for n, d in read.layouts.items()}
        log_names(self.log, "has the field already", layouts.unchanged, names.layout_object, self.show)
        for name, (kind, verdict, reason) in pages.rows.items():
            suffix = "" if verdict == "gets the field" else f"; {reason}"
            self.log.info(f"  Lightning page {name} ({kind}): {verdict}{suffix}")
        parts = {"layouts": layouts.new_files(), "pages": pages.new_files(), "permission_sets": self.o.permission_sets}
        if layouts.changes or pages.changes:
            return self._change_plan(read, parts)
        also = f" and Dynamic Forms page ({len(pages.unchanged)})" if pages.unchanged else ""
        every = f"Every target layout ({len(layouts.unchanged)}){also} already has the Individual field"
        if not self.o.permission_sets:
            return Plan(parts={}, nothing=f"{every}: nothing to deploy.")
        # The permission sets the flow deferred to this step still need their deploy.
        self.log.info(f"{every}: no layout to deploy.")
        listed = ", ".join(sorted(self.o.permission_sets))
        done = f"permission set(s) {listed} (deferred by deploy_email_privacy_permission_set), no layout."
        return Plan(
            parts=parts,
            dry_run=f"Dry run: would deploy permission set(s) {listed}; nothing was deployed.",
            deployed=f"Deployed: {done}",
            validated=f"Validated (check only, nothing saved): {done}",
        )

    def _change_plan(self, read, parts) -> Plan:
        layouts, pages, sets = self.layouts, self.pages, self.o.permission_sets
        log_names(self.log, "will add the field", list(layouts.changes), names.layout_object, self.show)
        diffs = []
        if self.dry_run:
            diffs = [
                unified_diff(old, new, f"layouts/{names.file_name(n)}") for n, (old, new) in layouts.changes.items()
            ]
            diffs += [unified_diff(old, new, f"flexipages/{n}.flexipage") for n, (old, new) in pages.changes.items()]
        also = f" and permission set(s) {', '.join(sorted(sets))}" if sets else ""
        done = (
            f" in one deploy: {len(layouts.changes)} layout(s){_pages_phrase(pages)} with the Individual "
            f"field{also}; {len(layouts.unchanged)} layout(s) already had it."
            + _individual_phrase([*layouts.changes, *(read.pages[n].page.target for n in pages.changes)])
        )
        return Plan(
            parts=parts,
            diffs=diffs,
            dry_run=f"Dry run: {len(layouts.changes)} layout(s){_pages_phrase(pages)} would change; "
            "nothing was deployed.",
            deployed=f"Deployed{done}",
            validated=f"Validated (check only, nothing saved){done}",
        )

    def guard(self, read, plan):
        tooling, warn = self.org.rest.tooling_query, self.log.warning
        moved = changed_since(self.org.metadata, read, self.layouts.changes, tooling_query=tooling, warn=warn)
        moved_pages = pages_changed_since(self.org.metadata, read, self.pages.changes, tooling_query=tooling, warn=warn)
        if moved or moved_pages:
            raise OrgError(lost_update_message(moved, moved_pages))

    def snapshot(self, read, plan) -> str | None:
        if not (self.layouts.changes or self.pages.changes):
            return None
        org = self.org
        path = snapshots.write_snapshot(
            self.o.snapshot_dir,
            org.name,
            {n: old for n, (old, _) in self.layouts.changes.items()},
            org_id=org.org_id or "",
            api_version=org.api_version,
            packages=self.packages,
            pages={n: old for n, (old, _) in self.pages.changes.items()},
            deployed={**self.layouts.new_files(), **self.pages.new_files()},
        )
        self.log.info(f"Snapshot of the originals: {path}")
        return str(path)

    def show(self, name):  # logged listings: object, decoded name and package, as Setup shows them
        return names.human_name(name, self.packages.get(name))

    def result(self, outcome) -> LayoutsResult:
        # Return values keep the full names (decoded), which other tasks and CumulusCI accept as layout names.
        full, layouts, pages, read = names.display_name, self.layouts, self.pages, outcome.read
        return LayoutsResult(
            changed=[full(n) for n in layouts.changes],
            unchanged=[full(n) for n in layouts.unchanged],
            skipped=[full(n) for n in layouts.skipped]
            + [f"{obj} (person accounts off)" for obj in self.skipped_objects],
            snapshot=outcome.snapshot,
            deployed=outcome.deployed and bool(layouts.changes or pages.changes),
            dry_run=self.dry_run,
            check_only=self.check_only,
            permission_sets_deployed=sorted(self.o.permission_sets) if outcome.deployed else [],
            pages_changed=list(pages.changes),
            pages_unchanged=list(pages.unchanged),
            pages=[
                {"name": n, "object": read.pages[n].page.sobject_type, "kind": k, "verdict": v}
                for n, (k, v, _) in pages.rows.items()
            ],
        )


def add_individual_field(org, read, options: LayoutOptions, log) -> LayoutsResult:
    """Add the Individual lookup to every layout (and Dynamic Forms page) of the chosen objects that lacks it,
    in one deploy with the deferred permission sets; refuse when one changed in the org since the read."""
    step = LayoutsStep(org, log, options)
    outcome = step.run(read)
    if outcome.snapshot:
        log.info(
            f"To put them back: cci task run restore_page_changes --org {org.name} -o snapshot '{outcome.snapshot}'"
        )
    return step.result(outcome)


def lost_update_message(layouts: Moved, pages: Moved) -> str:
    """The one line when the guard stops a deploy: what changed and what was deleted since the read."""
    parts = []
    changed = [names.display_name(n) for n in layouts.changed] + pages.changed
    if changed:
        parts.append(f"layout(s) or page(s) changed in the org since they were read: {', '.join(changed)}")
    deleted = [names.display_name(n) for n in layouts.deleted] + pages.deleted
    if deleted:
        parts.append(
            f"layout(s) or page(s) deleted from the org since they were read (a deploy would re-create them): "
            f"{', '.join(deleted)}"
        )
    return f"Nothing was deployed: {'; '.join(parts)}. Run the task again to work from the org as it is now."


def _individual_phrase(changed: list[str]) -> str:
    """Said when Individual's own layouts or pages were among the changes: they got its two flags instead."""
    own = [n for n in changed if n == INDIVIDUAL_OBJECT or ("-" in n and names.layout_object(n) == INDIVIDUAL_OBJECT)]
    return f" Of these, {len(own)} are Individual's own: they got Don't Track and Don't Process." if own else ""


def _pages_phrase(pages: PagePlan) -> str:
    return f" and {len(pages.changes)} Lightning page(s)" if pages.changes else ""

"""Add the Individual lookup to page layouts, and to the Dynamic Forms record pages (pages.py) that show
their own fields instead: one listMetadata, one retrieve, one deploy of what changed.

CumulusCI's own add_page_layout_fields is not used: it skips every layout after the first one that
already has the field, redeploys unchanged layouts and keeps no copy (docs/salesforce-facts.md,
"CumulusCI 4.10").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import OrgError
from ..org.deploy_package import deploy_package
from ..org.guard import Moved, changed_since, pages_changed_since
from ..org.read import reuse_or_read
from ..salesforce import names
from ..salesforce.describe import DESCRIBE_OBJECT, individual_lookup
from ..salesforce.layouts import (
    INDIVIDUAL_FIELD,
    INDIVIDUAL_FLAGS,
    INDIVIDUAL_OBJECT,
    TARGET_OBJECTS,
    add_field_bytes,
    anchor_fields,
    unified_diff,
)
from . import snapshots
from .pages import PagePlan, plan_pages
from .step import deploy

# Above this many unchanged layouts of one object, the log gives their count, not each name (the full
# list stays in return_values): at 300 layouts per object a line each buries the ones that changed.
UNCHANGED_LISTED_MAX = 20


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


def plan_layouts(layout_files: dict[str, bytes], fields: dict[str, str], behavior: str, position: str) -> LayoutPlan:
    """Add each object's field (`fields`: {object: field, or a tuple of fields}) to its layouts; layouts of other
    objects are skipped."""
    plan = LayoutPlan()
    for name in sorted(layout_files):
        obj = names.layout_object(name)
        if obj not in fields:
            plan.skipped.append(name)
            continue
        old = new = layout_files[name]
        wanted = (fields[obj],) if isinstance(fields[obj], str) else fields[obj]
        # Individual's flags always go beside its other privacy flags (else the first section's first column).
        where = "after_email_opt_out" if obj == INDIVIDUAL_OBJECT else position
        for i, field_name in enumerate(wanted):  # a second field goes right after the first
            anchors = (wanted[i - 1],) if i else anchor_fields(obj)
            edited = add_field_bytes(
                new, field_name, behavior, where, name=names.display_name(name), email_opt_out=anchors
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


def individual_fields(org, objects, dry_run: bool, log) -> tuple[dict[str, str], list[str]]:
    """{object: Individual lookup name} from the describes, and the objects skipped (PersonAccount where
    person accounts are off). In a dry run before Data Protection and Privacy is on, the usual name is assumed."""
    fields, skipped = {}, []
    for obj in objects:
        if obj == "PersonAccount" and not org.rest.person_accounts_enabled():
            skipped.append(obj)
            continue
        lookup = individual_lookup(org.rest.describe(DESCRIBE_OBJECT[obj]), obj)
        if lookup:
            fields[obj] = lookup["name"]
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


def add_individual_field(org, read, options: LayoutOptions, log) -> LayoutsResult:
    """Add the Individual lookup to every layout of the chosen objects that lacks it, and (with `pages`) to
    every Dynamic Forms record page of them that lacks it, in one deploy with the deferred permission sets;
    snapshot the originals first and refuse when a layout or page changed since the read."""
    o = options
    if o.layouts:
        wanted = sorted({names.layout_object(n) for n in o.layouts})
    else:
        wanted = o.objects or list(TARGET_OBJECTS)
    individual = INDIVIDUAL_OBJECT in wanted or (o.individual and not o.layouts)
    wanted = [w for w in wanted if w != INDIVIDUAL_OBJECT]
    fields, skipped_objects = individual_fields(org, wanted, o.dry_run, log)
    for obj in skipped_objects:
        level = log.warning if (o.objects or o.layouts) else log.info
        level(f"{obj}: person accounts are off in this org; its layouts are skipped.")
    if individual:
        fields[INDIVIDUAL_OBJECT] = INDIVIDUAL_FLAGS
        wanted = [*wanted, INDIVIDUAL_OBJECT]
    objects = [obj for obj in wanted if obj in fields]
    read_pages = o.pages and not o.layouts
    state, _ = reuse_or_read(org.metadata, read, objects=objects, layouts=o.layouts, pages=read_pages)
    files = {n: d for n, d in state.layout_files.items() if names.layout_object(n) in objects}
    plan = plan_layouts(files, fields, o.behavior, o.position)
    pages = plan_pages(state, fields) if read_pages else PagePlan()
    packages = {e["retrieveName"]: e.get("namespacePrefix") for e in state.layouts if e.get("retrieveName")}

    def show(name):  # logged listings: object, decoded name and package, as Setup shows them
        return names.human_name(name, packages.get(name))

    # Return values keep the full names (decoded), which other tasks and CumulusCI accept as layout names.
    full = names.display_name
    result = LayoutsResult(
        changed=[full(n) for n in plan.changes],
        unchanged=[full(n) for n in plan.unchanged],
        skipped=[full(n) for n in plan.skipped] + [f"{obj} (person accounts off)" for obj in skipped_objects],
        dry_run=o.dry_run,
        check_only=o.check_only,
        pages_changed=list(pages.changes),
        pages_unchanged=list(pages.unchanged),
        pages=[
            {"name": n, "object": state.page_classes[n].sobject_type, "kind": k, "verdict": v}
            for n, (k, v, _) in pages.rows.items()
        ],
    )
    _log_unchanged(log, plan.unchanged, show)
    for name, (kind, verdict, reason) in pages.rows.items():
        log.info(
            f"  Lightning page {name} ({kind}): {verdict}" + ("" if verdict == "gets the field" else f"; {reason}")
        )
    if not plan.changes and not pages.changes:
        rest = "no layout to deploy" if o.permission_sets else "nothing to deploy"
        also = f" and Dynamic Forms page ({len(pages.unchanged)})" if pages.unchanged else ""
        log.info(f"Every target layout ({len(plan.unchanged)}){also} already has the Individual field: {rest}.")
        _deploy_permission_sets_alone(org, o, result, log)
        return result
    for name in plan.changes:
        log.info(f"  will add the field: {show(name)}")
    if o.dry_run:
        for name, (old, new) in plan.changes.items():
            log.info(unified_diff(old, new, f"layouts/{names.file_name(name)}"))
        for name, (old, new) in pages.changes.items():
            log.info(unified_diff(old, new, f"flexipages/{name}.flexipage"))
        log.info(f"Dry run: {len(plan.changes)} layout(s){_pages_phrase(pages)} would change; nothing was deployed.")
        return result
    if not o.check_only:
        tooling = org.rest.tooling_query
        moved = changed_since(org.metadata, state, plan.changes, tooling_query=tooling, warn=log.warning)
        moved_pages = pages_changed_since(org.metadata, state, pages.changes, tooling_query=tooling, warn=log.warning)
        if moved or moved_pages:
            raise OrgError(lost_update_message(moved, moved_pages))
        path = snapshots.write_snapshot(
            o.snapshot_dir,
            org.name,
            {n: old for n, (old, _) in plan.changes.items()},
            org_id=org.org_id or "",
            api_version=org.api_version,
            packages=packages,
            pages={n: old for n, (old, _) in pages.changes.items()},
            deployed={**plan.new_files(), **pages.new_files()},
        )
        result.snapshot = str(path)
        log.info(f"Snapshot of the originals: {path}")
    package = deploy_package(
        org.api_version, layouts=plan.new_files(), permission_sets=o.permission_sets, pages=pages.new_files()
    )
    deploy(org, package, check_only=o.check_only)
    result.deployed = not o.check_only
    if not o.check_only:
        result.permission_sets_deployed = sorted(o.permission_sets)
    verb = "Validated (check only, nothing saved)" if o.check_only else "Deployed"
    also = f" and permission set(s) {', '.join(sorted(o.permission_sets))}" if o.permission_sets else ""
    log.info(
        f"{verb} in one deploy: {len(plan.changes)} layout(s){_pages_phrase(pages)} with the Individual "
        f"field{also}; {len(plan.unchanged)} layout(s) already had it."
        + _individual_phrase([*plan.changes, *(state.page_classes[n].target for n in pages.changes)])
    )
    if result.snapshot:
        log.info(
            f"To put them back: cci task run restore_page_changes --org {org.name} -o snapshot '{result.snapshot}'"
        )
    return result


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


def _log_unchanged(log, unchanged, show):
    """One line per layout that already has the field, or a count per object when there are many."""
    by_object: dict[str, list[str]] = {}
    for name in unchanged:
        by_object.setdefault(names.layout_object(name), []).append(name)
    for obj, members in by_object.items():
        if len(members) > UNCHANGED_LISTED_MAX:
            log.info(f"  has the field already: {len(members)} {obj} layouts (listed in the return values)")
            continue
        for name in members:
            log.info(f"  has the field already: {show(name)}")


def _deploy_permission_sets_alone(org, o: LayoutOptions, result: LayoutsResult, log):
    """No layout changed: the permission sets the flow deferred to this step still need their deploy."""
    if not o.permission_sets:
        return
    listed = ", ".join(sorted(o.permission_sets))
    if o.dry_run:
        log.info(f"Dry run: would deploy permission set(s) {listed}; nothing was deployed.")
        return
    deploy(org, deploy_package(org.api_version, permission_sets=o.permission_sets), check_only=o.check_only)
    if not o.check_only:
        result.permission_sets_deployed = sorted(o.permission_sets)
    verb = "Validated (check only, nothing saved)" if o.check_only else "Deployed"
    log.info(f"{verb}: permission set(s) {listed} (deferred by deploy_email_privacy_permission_set), no layout.")

"""One read of what the tasks need from an org: settings values, target layouts, permission sets.

Every deploy or retrieve costs seconds of polling and counts against org limits (issue 7), so the
whole read is ONE listMetadata (Layout) and ONE retrieve (Settings + Layouts + PermissionSets
together). The flow's prerequisites task does this read and hands the OrgState to the later tasks
through its return_values; standalone, each task reads for itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from . import metadata_xml, names
from .errors import OptionError
from .layouts import EMAIL_OPT_OUT_FIELD, add_field_bytes
from .metadata_xml import package_xml
from .settings import LIGHTNING, READ_TYPES, read_settings


@dataclass
class OrgState:
    """What read_org found. `layout_files` and `layout_modified` are keyed by the layout's retrieve name."""

    objects: tuple[str, ...]
    settings: dict[str, dict[str, object]] = field(default_factory=dict)
    layouts: list[dict] = field(default_factory=list)  # listMetadata entries of the target layouts
    layout_files: dict[str, bytes] = field(default_factory=dict)
    layout_modified: dict[str, datetime] = field(default_factory=dict)
    layout_ids: dict[str, str] = field(default_factory=dict)  # the layout's record id (00h), for the guard
    permission_sets: dict[str, bytes] = field(default_factory=dict)  # {name: MDAPI file bytes}
    permission_sets_read: tuple[str, ...] = ()  # names asked for (absent from permission_sets: not in the org)
    listed: bool = True  # False when explicit layout names were read without listMetadata

    @property
    def lightning_on(self) -> bool | None:
        """LightningExperienceSettings.enableS1DesktopEnabled, or None when the org did not say."""
        value = self.settings.get(LIGHTNING[0], {}).get(LIGHTNING[1])
        return value if isinstance(value, bool) else None

    def covers(self, objects: Iterable[str]) -> bool:
        """Whether this read included every layout of `objects` (so a task may reuse it)."""
        return self.listed and set(objects) <= set(self.objects)

    def summary(self) -> dict:
        """A JSON-friendly digest (no file contents), for reports and logs."""
        return {
            "objects": list(self.objects),
            "settings": self.settings,
            "layouts": sorted(self.layout_files),
            "permission_sets": sorted(self.permission_sets),
        }

    def __repr__(self) -> str:
        # Kept short: CumulusCI may print option values, and this object carries whole files.
        return f"OrgState(objects={list(self.objects)}, layouts={len(self.layout_files)}, settings={sorted(self.settings)})"


class PermissionSetFiles(Mapping):
    """{permission set name: MDAPI file bytes} handed from one flow step to the next.

    A Mapping, not a dict: CumulusCI copies dict option values into plain dicts before it logs every
    option of a flow step, which would print whole files; this keeps its short repr in the log.
    """

    def __init__(self, files: dict[str, bytes] | None = None):
        self._files = dict(files or {})

    def __getitem__(self, name: str) -> bytes:
        return self._files[name]

    def __iter__(self):
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def __repr__(self) -> str:
        return f"permission set(s) {', '.join(sorted(self)) or 'none'}"


def target_layouts(entries: Iterable[dict], objects: Iterable[str]) -> list[dict]:
    """listMetadata Layout entries of `objects`, each with `retrieveName` added, sorted by it."""
    wanted = set(objects)
    out = []
    for entry in entries:
        name = names.retrieve_name(entry)
        if names.layout_object(name) in wanted:
            out.append({**entry, "retrieveName": name})
    return sorted(out, key=lambda e: e["retrieveName"])


def settings_members() -> list[str]:
    """Settings member names to retrieve: the four switches' types and Lightning Experience."""
    return [metadata_xml.settings_file_stem(t) for t in READ_TYPES]


def read_org(
    client,
    objects: Iterable[str],
    layouts: Iterable[str] | None = None,
    permission_sets: Iterable[str] = (),
    include_settings: bool = True,
) -> OrgState:
    """Read settings, the layouts of `objects` (or the explicit `layouts` names) and `permission_sets`.

    One listMetadata (skipped when `layouts` names them) and one retrieve. Layout files are keyed by
    retrieve name; their lastModifiedDate comes from listMetadata, else from the retrieve's fileProperties.
    """
    objects = tuple(objects)
    if layouts is not None:
        entries = [
            {"fullName": n, "fileName": f"layouts/{names.file_name(n)}", "retrieveName": names.encode(n)}
            for n in layouts
        ]
        listed = False
    elif objects:
        entries = target_layouts(client.list("Layout"), objects)
        listed = True
    else:
        entries, listed = [], False
    members: dict[str, list[str]] = {}
    if include_settings:
        members["Settings"] = settings_members()
    if entries:
        members["Layout"] = [e["retrieveName"] for e in entries]
    if permission_sets:
        members["PermissionSet"] = list(permission_sets)
    state = OrgState(objects=objects, layouts=entries, listed=listed, permission_sets_read=tuple(permission_sets))
    if not members:
        return state
    result = client.retrieve(members)
    modified, ids = result.last_modified(), result.ids()
    by_path = {f"layouts/{names.file_name(e['retrieveName'])}": e for e in entries}
    for path, data in result.files.items():
        folder, _, base = path.partition("/")
        if folder == "settings" and base.endswith(".settings"):
            type_name = metadata_xml.settings_type_for_stem(base[: -len(".settings")])
            state.settings[type_name] = read_settings(metadata_xml.parse(data, path), path)
        elif folder == "layouts" and names.is_layout_file(base):
            entry = by_path.get(path)
            name = entry["retrieveName"] if entry else names.full_name_from_path(path)
            state.layout_files[name] = data
            # listMetadata's date first: the guard compares it with a later listMetadata, the same source.
            when = (entry or {}).get("lastModifiedDate") or modified.get(path)
            if when is not None:
                state.layout_modified[name] = when
            layout_id = (entry or {}).get("id") or ids.get(path)
            if layout_id:
                state.layout_ids[name] = layout_id
        elif folder == "permissionsets" and base.endswith(".permissionset"):
            state.permission_sets[base[: -len(".permissionset")]] = data
    if layouts is not None:
        missing = [n for n in entries if n["retrieveName"] not in state.layout_files]
        if missing:
            raise OptionError(
                "Option layouts: the org has no layout "
                + ", ".join(names.display_name(e["retrieveName"]) for e in missing)
                + "; use full names like Contact-Contact Layout (run without layouts to take every layout of the objects)."
            )
    return state


class GuardQueryRefused(Exception):
    """The org refused the lost-update guard's Tooling API query (INVALID_TYPE, no access, API disabled)."""


def changed_since(client, state: OrgState, names_to_check: Iterable[str], tooling_query=None, warn=None) -> list[str]:
    """Layouts of `names_to_check` whose lastModifiedDate in the org now differs from the read's.

    The lost-update guard (issue 6 point 3): another admin may have saved a layout between our
    retrieve and our deploy; deploying our copy would silently undo their change. Issue 7 allows one
    listMetadata per flow run and the read has used it, so the guard asks the Tooling API instead:
    `tooling_query(soql) -> rows` (a REST call, raising GuardQueryRefused when the org refuses it).
    When that cannot answer for every layout, it says why through `warn` and asks listMetadata again.
    """
    wanted = sorted(set(names_to_check))
    if not wanted:
        return []
    if tooling_query is not None:
        why = _tooling_unusable(state, wanted)
        if why is None:
            try:
                return tooling_conflicts(tooling_query(guard_soql(state)), state, wanted)
            except GuardQueryRefused as e:
                why = f"the org refused the Tooling API query ({e})"
        if warn is not None:
            warn(f"Lost-update check: {why}; checking with listMetadata instead.")
    return _listed_changes(client, state, wanted)


def _utc(when: datetime) -> datetime:
    # CumulusCI parses Metadata API dates as naive UTC; REST dates come back aware.
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def guard_soql(state: OrgState) -> str:
    """The guard's one query: every layout changed at or after the latest lastModifiedDate the read saw,
    truncated to whole seconds (a SOQL dateTime literal has none finer), so its size does not grow with
    the number of layouts. A layout changed after the read is changed after every date the read saw."""
    latest = max(_utc(d) for d in state.layout_modified.values()).astimezone(UTC)
    return f"SELECT Id, LastModifiedDate FROM Layout WHERE LastModifiedDate >= {latest:%Y-%m-%dT%H:%M:%SZ}"


def _tooling_unusable(state: OrgState, wanted: list[str]) -> str | None:
    """Why the Tooling query cannot check every layout of `wanted` (no id or date from the read), or None."""
    lacking = [n for n in wanted if not state.layout_ids.get(n) or state.layout_modified.get(n) is None]
    if lacking:
        return (
            f"the read gave no id or lastModifiedDate for {len(lacking)} layout(s) "
            f"({', '.join(names.display_name(n) for n in lacking[:3])}{', ...' if len(lacking) > 3 else ''})"
        )
    return None


def tooling_conflicts(rows: Iterable[dict], state: OrgState, wanted: Iterable[str]) -> list[str]:
    """Layouts of `wanted` that a Tooling `Layout` row shows with another LastModifiedDate than the read's.

    Ids are matched on their first 15 characters (an org may answer 18 where the read had 15, or the
    reverse); dates are compared as instants, not as text (`.000Z` and `.000+0000` are the same time).
    """
    by_id = {state.layout_ids[n][:15]: n for n in wanted}
    changed = set()
    for row in rows:
        name = by_id.get(str(row.get("Id") or "")[:15])
        if name is None:
            continue
        now = _parse_rest_datetime(row.get("LastModifiedDate"))
        if now is None or not _same_instant(now, _utc(state.layout_modified[name])):
            changed.add(name)
    return sorted(changed)


def _same_instant(tooling: datetime, read: datetime) -> bool:
    """Equal instants; a Tooling date in whole seconds also matches a read date within that second.

    Why: should an org give the REST date at a coarser precision than the Metadata API's (`.000`), an
    exact comparison would flag the latest-read layout on every run, and no re-run would ever get past it.
    """
    return tooling == read or (tooling.microsecond == 0 and tooling == read.replace(microsecond=0))


def _parse_rest_datetime(value) -> datetime | None:
    """A REST dateTime (`2026-11-27T07:00:00.000+0000`) as an aware datetime; None if it is not one."""
    if not isinstance(value, str):
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = text[:-2] + ":" + text[-2:]
    try:
        return _utc(datetime.fromisoformat(text))
    except ValueError:
        return None


def _listed_changes(client, state: OrgState, wanted: list[str]) -> list[str]:
    """The guard through a fresh listMetadata: changed or gone since the read."""
    current = {
        e["retrieveName"]: e.get("lastModifiedDate")
        for e in target_layouts(client.list("Layout"), state.objects or {names.layout_object(n) for n in wanted})
    }
    changed = []
    for name in wanted:
        before = state.layout_modified.get(name)
        now = current.get(name)
        if now is None or (before is not None and now != before):
            changed.append(name)
    return changed


@dataclass
class LayoutPlan:
    """What adding the field would do: {retrieve name: (old bytes, new bytes)} to deploy, and the rest."""

    changes: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def deploy_files(self, api_version: str, permission_sets: dict[str, bytes] | None = None) -> dict[str, bytes]:
        """The deploy package: every changed layout under layouts/, `permission_sets` ({name: MDAPI file})
        under permissionsets/, and package.xml listing them all."""
        permission_sets = permission_sets or {}
        files = {f"layouts/{names.file_name(n)}": new for n, (_, new) in self.changes.items()}
        files.update({f"permissionsets/{n}.permissionset": d for n, d in permission_sets.items()})
        files["package.xml"] = package_xml(
            {"Layout": sorted(self.changes), "PermissionSet": sorted(permission_sets)}, api_version
        )
        return files


def plan_layouts(layout_files: dict[str, bytes], fields: dict[str, str], behavior: str, position: str) -> LayoutPlan:
    """Add each object's field (`fields`: {object: field}) to its layouts; layouts of other objects are skipped."""
    plan = LayoutPlan()
    for name in sorted(layout_files):
        obj = names.layout_object(name)
        if obj not in fields:
            plan.skipped.append(name)
            continue
        new = add_field_bytes(
            layout_files[name],
            fields[obj],
            behavior,
            position,
            name=names.display_name(name),
            email_opt_out=EMAIL_OPT_OUT_FIELD.get(obj),
        )
        if new is None:
            plan.unchanged.append(name)
        else:
            plan.changes[name] = (layout_files[name], new)
    return plan


def _canonical_children(data: bytes, name: str) -> set[bytes]:
    """Each top-level element of a metadata document, canonicalised with whitespace-only text dropped."""
    root = metadata_xml.parse(data, name).getroot()
    out = set()
    for child in root:
        if not isinstance(child.tag, str):
            continue
        copy = deepcopy(child)  # edited below; the parsed document stays as it was
        for el in copy.iter():
            if el.text is not None and not el.text.strip():
                el.text = None
            if el.tail is not None and not el.tail.strip():
                el.tail = None
        out.add(etree.tostring(copy, method="c14n"))
    return out


def already_in_org(ours: bytes, theirs: bytes | None, name: str) -> bool:
    """Whether deploying `ours` would change nothing: every element of ours is in the org's copy as it is.

    The org's copy may hold more (defaults Salesforce adds on retrieve); a deploy leaves what it does not name.
    """
    if theirs is None:
        return False
    return _canonical_children(ours, name) <= _canonical_children(theirs, f"{name} (org)")

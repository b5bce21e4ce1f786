"""One read of what the tasks need from an org (one listMetadata, one retrieve: each retrieve costs seconds of
polling), and the one rule: reuse the flow's read when it holds what the task needs, else read anew."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from email_privacy.errors import OptionError, OrgError
from email_privacy.metadata import documents, flexipages, names
from email_privacy.metadata.settings import LIGHTNING, READ_TYPES, read_settings


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
    # Lightning record pages of Contact, Lead and Account, keyed by FlexiPage name (read with `pages`).
    pages_read: bool = False
    page_files: dict[str, bytes] = field(default_factory=dict)
    page_classes: dict[str, flexipages.PageClass] = field(default_factory=dict)
    page_modified: dict[str, datetime] = field(default_factory=dict)
    page_ids: dict[str, str] = field(default_factory=dict)

    @property
    def lightning_on(self) -> bool | None:
        """LightningExperienceSettings.enableS1DesktopEnabled, or None when the org did not say."""
        value = self.settings.get(LIGHTNING[0], {}).get(LIGHTNING[1])
        return value if isinstance(value, bool) else None

    def covers(self, objects: Iterable[str], pages: bool = False) -> bool:
        """Whether this read included every layout of `objects` (and the record pages, when `pages`)."""
        return self.listed and set(objects) <= set(self.objects) and (self.pages_read or not pages)

    def holds(self, settings: bool, objects: Iterable[str], permission_sets: Iterable[str], pages=False) -> bool:
        return (
            (not settings or bool(self.settings))
            and (not objects or self.covers(objects, pages))
            and set(permission_sets) <= set(self.permission_sets_read)
        )

    def summary(self) -> dict:
        """A JSON-friendly digest (no file contents), for reports and logs."""
        return {
            "objects": list(self.objects),
            "settings": self.settings,
            "layouts": sorted(self.layout_files),
            "permission_sets": sorted(self.permission_sets),
            "pages": {n: self.page_classes[n].kind for n in sorted(self.page_classes)},
        }

    def __repr__(self) -> str:
        # Kept short: CumulusCI may print option values, and this object carries whole files.
        layouts, settings, pages = len(self.layout_files), sorted(self.settings), len(self.page_files)
        return f"OrgState(objects={list(self.objects)}, layouts={layouts}, pages={pages}, settings={settings})"


class PermissionSetFiles(Mapping):
    """A Mapping, not a dict: CumulusCI copies dict options into plain dicts and logs them, whole files included."""

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
    return [documents.settings_file_stem(t) for t in READ_TYPES]


def read_org(
    client,
    objects: Iterable[str],
    layouts: Iterable[str] | None = None,
    permission_sets: Iterable[str] = (),
    include_settings: bool = True,
    pages: bool = False,
    page_names: Iterable[str] | None = None,
) -> OrgState:
    """One listMetadata (skipped when `layouts` and `page_names` name them) and one retrieve."""
    objects = tuple(objects)
    entries, page_entries, listed = _list(client, objects, layouts, pages, page_names)
    members: dict[str, list[str]] = {}
    if include_settings:
        members["Settings"] = settings_members()
    if entries:
        members["Layout"] = [e["retrieveName"] for e in entries]
    if page_entries:
        members["FlexiPage"] = sorted(e["fullName"] for e in page_entries)
    if permission_sets:
        members["PermissionSet"] = list(permission_sets)
    state = OrgState(
        objects=objects,
        layouts=entries,
        listed=listed,
        permission_sets_read=tuple(permission_sets),
        pages_read=pages and (listed or page_names is not None),
    )
    if not members:
        return state
    _keep_files(state, client.retrieve(members), entries, page_entries)
    if layouts is not None:
        missing = [n for n in entries if n["retrieveName"] not in state.layout_files]
        if missing:
            raise OptionError(
                "Option layouts: the org has no layout "
                + ", ".join(names.display_name(e["retrieveName"]) for e in missing)
                + "; use full names like Contact-Contact Layout "
                "(run without layouts to take every layout of the objects)."
            )
    return state


def _list(client, objects, layouts, pages, page_names) -> tuple[list[dict], list[dict], bool]:
    """(layout entries, page entries, whether listMetadata was called): named layouts need no listing."""
    if layouts is not None:
        entries = [
            {"fullName": n, "fileName": f"layouts/{names.file_name(n)}", "retrieveName": names.encode(n)}
            for n in layouts
        ]
        page_entries = [{"fullName": n} for n in page_names] if pages and page_names is not None else []
        return entries, page_entries, False
    if objects and pages:
        found = client.list_types(["Layout", "FlexiPage"])
        return target_layouts(found["Layout"], objects), found.get("FlexiPage", []), True
    if objects:
        return target_layouts(client.list("Layout"), objects), [], True
    return [], [], False


def _keep_files(state: OrgState, result, entries: list[dict], page_entries: list[dict]) -> None:
    """File each retrieved document in `state`: settings parsed, layouts with their dates and ids, pages kept."""
    modified, ids = result.last_modified(), result.ids()
    by_path = {f"layouts/{names.file_name(e['retrieveName'])}": e for e in entries}
    for path, data in result.files.items():
        folder, _, base = path.partition("/")
        if folder == "settings" and base.endswith(".settings"):
            type_name = documents.settings_type_for_stem(base[: -len(".settings")])
            state.settings[type_name] = read_settings(documents.parse(data, path), path)
        elif folder == "layouts" and names.is_layout_file(base):
            entry = by_path.get(path) or {}
            name = entry["retrieveName"] if entry else names.full_name_from_path(path)
            state.layout_files[name] = data
            # listMetadata's date first: the guard compares it with a later listMetadata, the same source.
            when = entry.get("lastModifiedDate") or modified.get(path)
            if when is not None:
                state.layout_modified[name] = when
            layout_id = entry.get("id") or ids.get(path)
            if layout_id:
                state.layout_ids[name] = layout_id
        elif folder == "permissionsets" and base.endswith(".permissionset"):
            state.permission_sets[base[: -len(".permissionset")]] = data
        elif folder == "flexipages" and base.endswith(".flexipage"):
            _keep_page(state, base[: -len(".flexipage")], data, page_entries, modified.get(path), ids.get(path))


def _keep_page(state: OrgState, name: str, data: bytes, entries: list[dict], modified, page_id) -> None:
    """Keep a retrieved page when it is a record page of Contact, Lead or Account (its kind says which);
    apps, home pages and other objects' pages are dropped here, as the layouts of other objects are."""
    page = flexipages.classify(documents.parse(data, f"flexipages/{name}.flexipage"), name)
    if page.kind in ("other_object", "not_record_page"):
        return
    entry = next((e for e in entries if e["fullName"] == name), {})
    state.page_files[name] = data
    state.page_classes[name] = page
    when = entry.get("lastModifiedDate") or modified
    if when is not None:
        state.page_modified[name] = when
    if entry.get("id") or page_id:
        state.page_ids[name] = entry.get("id") or page_id


def reuse_or_read(
    client,
    known: OrgState | None,
    *,
    settings: bool = False,
    objects: Iterable[str] = (),
    layouts: Iterable[str] | None = None,
    permission_sets: Iterable[str] = (),
    stale: bool = False,
    pages: bool = False,
) -> tuple[OrgState, bool]:
    """(the read, whether `known` was reused): reused when it holds all asked and is not `stale`; else read anew,
    without a second listMetadata where `known` listed the layouts."""
    objects, permission_sets = tuple(objects), tuple(permission_sets)
    if known is not None and layouts is None and not stale and known.holds(settings, objects, permission_sets, pages):
        return known, True
    if known is None or layouts is not None or not objects or not known.covers(objects, pages):
        return read_org(
            client,
            objects,
            layouts=layouts,
            permission_sets=permission_sets,
            include_settings=settings,
            pages=pages and layouts is None,
        ), False
    wanted = set(objects)
    listed = sorted(n for n in known.layout_files if names.layout_object(n) in wanted)
    try:
        return read_org(
            client,
            objects,
            layouts=listed,
            permission_sets=permission_sets,
            include_settings=settings,
            pages=pages,
            page_names=sorted(known.page_files) if pages else None,
        ), False
    except OptionError as err:
        raise OrgError(f"A layout was deleted during the run ({err}); run the task again.") from None

"""One read of what the tasks need from an org (one listMetadata, one retrieve: each retrieve costs seconds of
polling), and the one rule: reuse the flow's read when it holds what the task needs, else read anew."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from email_privacy.errors import OptionError, OrgError
from email_privacy.metadata import documents, flexipages, names
from email_privacy.metadata.describe import DESCRIBE_OBJECT, individual_lookup
from email_privacy.metadata.settings import LIGHTNING, READ_TYPES, read_settings


@dataclass
class Document:
    """One retrieved file, held once: its bytes, its tree parsed at most once (readers share it; edits in metadata/
    copy it first), and what the org said of it."""

    name: str
    data: bytes
    path: str
    modified: datetime | None = None
    id: str | None = None
    package: str | None = None  # the namespace of the package that installed it, for managed layouts
    page: flexipages.PageClass | None = None  # for record pages: kind, object, target
    _tree: object = field(default=None, repr=False, compare=False)

    @property
    def tree(self):
        if self._tree is None:
            self._tree = documents.parse(self.data, self.path)
        return self._tree

    def release(self) -> None:
        self._tree = None


@dataclass
class OrgRead:
    """What read_org found. `layouts` are keyed by the layout's retrieve name, `pages` by FlexiPage name."""

    objects: tuple[str, ...]
    settings: dict[str, dict[str, object]] = field(default_factory=dict)
    layouts: dict[str, Document] = field(default_factory=dict)
    permission_sets: dict[str, bytes] = field(default_factory=dict)  # {name: MDAPI file bytes}
    permission_sets_read: tuple[str, ...] = ()  # names asked for (absent from permission_sets: not in the org)
    listed: bool = True  # False when explicit layout names were read without listMetadata
    # Lightning record pages of Contact, Lead, Account and Individual (read with `pages`).
    pages_read: bool = False
    pages: dict[str, Document] = field(default_factory=dict)
    # {object: Individual lookup name} as the describes gave them (lookup_names); an object absent was not asked.
    individual_fields: dict[str, str] = field(default_factory=dict)
    verdicts: dict = field(default_factory=dict, repr=False, compare=False)  # steps/verdict.py's, once per key

    def add_layout(self, name: str, data: bytes, modified=None, layout_id=None, package=None) -> Document:
        doc = Document(name, data, f"layouts/{names.file_name(name)}", modified, layout_id, package)
        self.layouts[name] = doc
        return doc

    def add_page(self, name: str, data: bytes, modified=None, page_id=None) -> Document | None:
        """Keep a record page of Contact, Lead, Account or Individual (its kind says which); apps, home pages
        and other objects' pages are dropped, as the layouts of other objects are."""
        doc = Document(name, data, f"flexipages/{name}.flexipage", modified, page_id)
        doc.page = flexipages.classify(doc.tree, name)
        if doc.page.kind in ("other_object", "not_record_page"):
            return None
        self.pages[name] = doc
        return doc

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
            "layouts": sorted(self.layouts),
            "permission_sets": sorted(self.permission_sets),
            "pages": {n: self.pages[n].page.kind for n in sorted(self.pages)},
        }

    def __repr__(self) -> str:
        # Kept short: CumulusCI may print option values, and this object carries whole files.
        layouts, settings, pages = len(self.layouts), sorted(self.settings), len(self.pages)
        return f"OrgRead(objects={list(self.objects)}, layouts={layouts}, pages={pages}, settings={settings})"


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
) -> OrgRead:
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
    read = OrgRead(
        objects=objects,
        listed=listed,
        permission_sets_read=tuple(permission_sets),
        pages_read=pages and (listed or page_names is not None),
    )
    if not members:
        return read
    _keep_files(read, client.retrieve(members), entries, page_entries)
    if layouts is not None:
        missing = [n for n in entries if n["retrieveName"] not in read.layouts]
        if missing:
            raise OptionError(
                "Option layouts: the org has no layout "
                + ", ".join(names.display_name(e["retrieveName"]) for e in missing)
                + "; use full names like Contact-Contact Layout "
                "(run without layouts to take every layout of the objects)."
            )
    return read


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


def _keep_files(read: OrgRead, result, entries: list[dict], page_entries: list[dict]) -> None:
    """File each retrieved document in `read`: settings parsed, layouts and pages with their dates and ids."""
    modified, ids = result.last_modified(), result.ids()
    by_path = {f"layouts/{names.file_name(e['retrieveName'])}": e for e in entries}
    pages_by_name = {e["fullName"]: e for e in page_entries}
    for path, data in result.files.items():
        folder, _, base = path.partition("/")
        if folder == "settings" and base.endswith(".settings"):
            type_name = documents.settings_type_for_stem(base[: -len(".settings")])
            read.settings[type_name] = read_settings(documents.parse(data, path), path)
        elif folder == "layouts" and names.is_layout_file(base):
            entry = by_path.get(path) or {}
            name = entry["retrieveName"] if entry else names.full_name_from_path(path)
            # listMetadata's date first: the guard compares it with a later listMetadata, the same source.
            when = entry.get("lastModifiedDate") or modified.get(path)
            read.add_layout(name, data, when, entry.get("id") or ids.get(path), entry.get("namespacePrefix"))
        elif folder == "permissionsets" and base.endswith(".permissionset"):
            read.permission_sets[base[: -len(".permissionset")]] = data
        elif folder == "flexipages" and base.endswith(".flexipage"):
            name = base[: -len(".flexipage")]
            entry = pages_by_name.get(name) or {}
            when = entry.get("lastModifiedDate") or modified.get(path)
            read.add_page(name, data, when, entry.get("id") or ids.get(path))


def lookup_names(rest, objects: Iterable[str]) -> dict[str, str]:
    """{object: its Individual lookup} from the describes (Contact, Lead, Account for PersonAccount), for the
    objects that have one: none has it before Data Protection and Privacy is on."""
    found = {}
    for obj in objects:
        lookup = individual_lookup(rest.describe(DESCRIBE_OBJECT[obj]), obj)
        if lookup:
            found[obj] = lookup["name"]
    return found


def reuse_or_read(
    client,
    read: OrgRead | None,
    *,
    settings: bool = False,
    objects: Iterable[str] = (),
    layouts: Iterable[str] | None = None,
    permission_sets: Iterable[str] = (),
    stale: bool = False,
    pages: bool = False,
) -> tuple[OrgRead, bool]:
    """(the read, whether `read` was reused): reused when it holds all asked and is not `stale`; else read anew
    (keeping the lookup names it found), without a second listMetadata where `read` listed the layouts."""
    objects, permission_sets = tuple(objects), tuple(permission_sets)
    if read is not None and layouts is None and not stale and read.holds(settings, objects, permission_sets, pages):
        return read, True
    if read is not None:
        # Superseded: its trees go before the new read parses its own, so a flow holds one set at a time.
        for doc in (*read.layouts.values(), *read.pages.values()):
            doc.release()
    fresh = _read_again(client, read, settings, objects, layouts, permission_sets, pages)
    if read is not None:
        fresh.individual_fields = {**read.individual_fields, **fresh.individual_fields}
    return fresh, False


def _read_again(client, read, settings, objects, layouts, permission_sets, pages) -> OrgRead:
    if read is None or layouts is not None or not objects or not read.covers(objects, pages):
        return read_org(
            client,
            objects,
            layouts=layouts,
            permission_sets=permission_sets,
            include_settings=settings,
            pages=pages and layouts is None,
        )
    wanted = set(objects)
    listed = sorted(n for n in read.layouts if names.layout_object(n) in wanted)
    try:
        return read_org(
            client,
            objects,
            layouts=listed,
            permission_sets=permission_sets,
            include_settings=settings,
            pages=pages,
            page_names=sorted(read.pages) if pages else None,
        )
    except OptionError as err:
        raise OrgError(f"A layout was deleted during the run ({err}); run the task again.") from None

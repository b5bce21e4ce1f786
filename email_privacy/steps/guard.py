"""The lost-update guard: a layout or page another admin saved or deleted since our read is found before our
deploy would undo it, with one Tooling query whatever their number (listMetadata where the org refuses it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from email_privacy.errors import QueryRefused
from email_privacy.metadata import names
from email_privacy.steps.read import target_layouts


@dataclass
class Moved:
    """What the guard found: components whose lastModifiedDate moved since the read, and components the
    org no longer has."""

    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed or self.deleted)


@dataclass
class _Kind:
    """One type the guard checks: its Tooling object, the read's ids and dates, and the listMetadata fallback."""

    tooling_object: str
    noun: str
    ids: dict
    modified: dict
    listed: Callable[[], dict]  # {name: lastModifiedDate} from a fresh listMetadata
    shown: Callable[[str], str] = str


def changed_since(client, read, names_to_check: Iterable[str], tooling_query=None, warn=None) -> Moved:
    """`tooling_query` raises QueryRefused when the org refuses it; then `warn` says why and listMetadata answers."""

    def listed():
        objects = read.objects or {names.layout_object(n) for n in names_to_check}
        return {e["retrieveName"]: e.get("lastModifiedDate") for e in target_layouts(client.list("Layout"), objects)}

    kind = _Kind("Layout", "layout(s)", *_ids_and_dates(read.layouts), listed, names.display_name)
    return _guard(kind, names_to_check, tooling_query, warn)


def pages_changed_since(client, read, pages: Iterable[str], tooling_query=None, warn=None) -> Moved:
    """As changed_layouts, on FlexiPage (docs/salesforce-facts.md, Lightning record pages (FlexiPage) and
    Dynamic Forms)."""

    def listed():
        return {e["fullName"]: e.get("lastModifiedDate") for e in client.list("FlexiPage")}

    kind = _Kind("FlexiPage", "page(s)", *_ids_and_dates(read.pages), listed)
    return _guard(kind, pages, tooling_query, warn)


def _ids_and_dates(docs: dict) -> tuple[dict, dict]:
    """({name: record id}, {name: lastModifiedDate}) of the read's documents that have them."""
    ids = {n: d.id for n, d in docs.items() if d.id}
    return ids, {n: d.modified for n, d in docs.items() if d.modified is not None}


def _guard(kind: _Kind, names_to_check: Iterable[str], tooling_query, warn) -> Moved:
    wanted = sorted(set(names_to_check))
    if not wanted:
        return Moved()
    if tooling_query is not None:
        lacking = [n for n in wanted if not kind.ids.get(n) or kind.modified.get(n) is None]
        why = (
            f"the read gave no id or lastModifiedDate for {len(lacking)} {kind.noun} "
            f"({', '.join(kind.shown(n) for n in lacking[:3])}{', ...' if len(lacking) > 3 else ''})"
            if lacking
            else None
        )
        if why is None:
            try:
                rows = tooling_query(guard_soql(kind.modified, wanted, kind.tooling_object))
                return tooling_moved(rows, kind.ids, kind.modified, wanted)
            except QueryRefused as e:
                why = f"the org refused the Tooling API query on {kind.tooling_object} ({e})"
        if warn is not None:
            warn(f"Lost-update check: {why}; checking with listMetadata instead.")
    return _listed_moved(kind.listed(), kind.modified, wanted)


def _utc(when: datetime) -> datetime:
    # CumulusCI parses Metadata API dates as naive UTC; REST dates come back aware.
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def guard_soql(modified: dict, wanted: Iterable[str], tooling_object: str = "Layout") -> str:
    """Every component saved since the earliest date read, in whole seconds (docs/salesforce-facts.md, SOQL): one
    missing was deleted, and the query does not grow with the number of components."""
    earliest = min(_utc(modified[n]) for n in wanted).astimezone(UTC)
    return f"SELECT Id, LastModifiedDate FROM {tooling_object} WHERE LastModifiedDate >= {earliest:%Y-%m-%dT%H:%M:%SZ}"


def tooling_moved(rows: Iterable[dict], ids: dict, modified: dict, wanted: Iterable[str]) -> Moved:
    """(changed, deleted) of `wanted`; ids match on 15 characters (docs/salesforce-facts.md, SOQL), dates as
    instants (`.000Z` is `.000+0000`)."""
    wanted = sorted(set(wanted))
    by_id = {ids[n][:15]: n for n in wanted}
    seen, changed = set(), set()
    for row in rows:
        name = by_id.get(str(row.get("Id") or "")[:15])
        if name is None:
            continue
        seen.add(name)
        now = _parse_rest_datetime(row.get("LastModifiedDate"))
        if now is None or not _same_instant(now, _utc(modified[name])):
            changed.add(name)
    return Moved(changed=sorted(changed), deleted=[n for n in wanted if n not in seen])


def _same_instant(tooling: datetime, read: datetime) -> bool:
    """A whole-second Tooling date matches a read date within that second, or a coarser REST date would flag the
    latest layout on every run."""
    return tooling == read or (tooling.microsecond == 0 and tooling == read.replace(microsecond=0))


def _parse_rest_datetime(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = text[:-2] + ":" + text[-2:]
    try:
        return _utc(datetime.fromisoformat(text))
    except ValueError:
        return None


def _listed_moved(current: dict, modified: dict, wanted: list[str]) -> Moved:
    """The guard through a fresh listMetadata ({name: lastModifiedDate}): changed or gone since the read."""
    moved = Moved()
    for name in wanted:
        before, now = modified.get(name), current.get(name, ...)
        if now is ...:
            moved.deleted.append(name)
        elif now is None or (before is not None and _utc(now) != _utc(before)):
            moved.changed.append(name)
    return moved

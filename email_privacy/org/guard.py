"""The lost-update guard: another admin may save a layout or a Lightning page between our retrieve and
our deploy, and deploying our copy would silently undo their change; the guard finds them before the deploy.

The read has used the flow's one listMetadata, so the guard asks the Tooling API instead: one REST
query, whatever the number of layouts. When that cannot answer for every layout, it says why and
asks listMetadata again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from ..salesforce import names
from .read import target_layouts


class GuardQueryRefused(Exception):
    """The org refused the lost-update guard's Tooling API query (INVALID_TYPE, no access, API disabled)."""


def changed_since(client, state, names_to_check: Iterable[str], tooling_query=None, warn=None) -> list[str]:
    """Layouts of `names_to_check` whose lastModifiedDate in the org now differs from the read's `state`.

    `tooling_query(soql) -> rows` is a REST call raising GuardQueryRefused when the org refuses it;
    when it cannot answer for every layout, `warn` says why and listMetadata answers instead.
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


def guard_soql(state, tooling_object: str = "Layout") -> str:
    """The guard's one query: every layout changed at or after the latest lastModifiedDate the read saw,
    truncated to whole seconds (a SOQL dateTime literal has none finer), so its size does not grow with
    the number of layouts. A layout changed after the read is changed after every date the read saw.
    With `tooling_object` FlexiPage, the same over the read's Lightning pages."""
    dates = state.page_modified if tooling_object == "FlexiPage" else state.layout_modified
    latest = max(_utc(d) for d in dates.values()).astimezone(UTC)
    return f"SELECT Id, LastModifiedDate FROM {tooling_object} WHERE LastModifiedDate >= {latest:%Y-%m-%dT%H:%M:%SZ}"


def _tooling_unusable(state, wanted: list[str]) -> str | None:
    """Why the Tooling query cannot check every layout of `wanted` (no id or date from the read), or None."""
    lacking = [n for n in wanted if not state.layout_ids.get(n) or state.layout_modified.get(n) is None]
    if lacking:
        return (
            f"the read gave no id or lastModifiedDate for {len(lacking)} layout(s) "
            f"({', '.join(names.display_name(n) for n in lacking[:3])}{', ...' if len(lacking) > 3 else ''})"
        )
    return None


def tooling_conflicts(rows: Iterable[dict], state, wanted: Iterable[str]) -> list[str]:
    """Layouts of `wanted` that a Tooling `Layout` row shows with another LastModifiedDate than the read's.

    Ids are matched on their first 15 characters (an org may answer 18 where the read had 15, or the
    reverse); dates are compared as instants, not as text (`.000Z` and `.000+0000` are the same time).
    """
    return _conflicts(rows, state.layout_ids, state.layout_modified, wanted)


def _conflicts(rows: Iterable[dict], ids: dict, modified: dict, wanted: Iterable[str]) -> list[str]:
    by_id = {ids[n][:15]: n for n in wanted}
    changed = set()
    for row in rows:
        name = by_id.get(str(row.get("Id") or "")[:15])
        if name is None:
            continue
        now = _parse_rest_datetime(row.get("LastModifiedDate"))
        if now is None or not _same_instant(now, _utc(modified[name])):
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


def _listed_changes(client, state, wanted: list[str]) -> list[str]:
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


def pages_changed_since(client, state, pages: Iterable[str], tooling_query=None, warn=None) -> list[str]:
    """Lightning pages of `pages` changed in the org since the read `state`: one Tooling query on FlexiPage
    (Tooling API Reference, FlexiPage: Id, LastModifiedDate), else a listMetadata of FlexiPage."""
    wanted = sorted(set(pages))
    if not wanted:
        return []
    if tooling_query is not None:
        lacking = [n for n in wanted if not state.page_ids.get(n) or state.page_modified.get(n) is None]
        why = f"the read gave no id or lastModifiedDate for page(s) {', '.join(lacking[:3])}" if lacking else None
        if why is None:
            try:
                rows = tooling_query(guard_soql(state, "FlexiPage"))
                return _conflicts(rows, state.page_ids, state.page_modified, wanted)
            except GuardQueryRefused as e:
                why = f"the org refused the Tooling API query on FlexiPage ({e})"
        if warn is not None:
            warn(f"Lost-update check: {why}; checking the pages with listMetadata instead.")
    current = {e["fullName"]: e.get("lastModifiedDate") for e in client.list("FlexiPage")}
    return [
        n
        for n in wanted
        if current.get(n) is None
        or (state.page_modified.get(n) is not None and _utc(current[n]) != _utc(state.page_modified[n]))
    ]

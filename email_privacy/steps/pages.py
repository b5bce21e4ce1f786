"""The Individual lookup on Dynamic Forms record pages, which show their own fields, not the layout's
(docs/salesforce-facts.md, Lightning record pages (FlexiPage) and Dynamic Forms)."""

from __future__ import annotations

from dataclasses import dataclass, field

from email_privacy.metadata import flexipages

GETS_FIELD = "gets the field"
HAS_FIELD = "has the field"
LEFT_ALONE = "left alone"
NOT_CHOSEN = "left alone (object not chosen)"


@dataclass
class PagePlan:
    changes: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    rows: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def new_files(self) -> dict[str, bytes]:
        return {n: new for n, (_, new) in self.changes.items()}


def _wanted(field) -> tuple[str, ...]:
    return (field,) if isinstance(field, str) else tuple(field)


def plan_pages(read, fields: dict[str, str]) -> PagePlan:
    """`fields`: {target object: lookup name}, from the describe; a page whose target is not there is left alone."""
    plan = PagePlan()
    for name in sorted(read.pages):
        doc = read.pages[name]
        page = doc.page
        if page.kind not in flexipages.CHANGED_KINDS:
            plan.rows[name] = (page.kind, LEFT_ALONE, page.reason)
        elif page.target not in fields:
            plan.rows[name] = (page.kind, NOT_CHOSEN, page.reason)
        else:
            old = new = doc.data
            wanted = _wanted(fields[page.target])
            for i, lookup in enumerate(wanted):  # a second field goes right after the first
                anchors = (wanted[i - 1],) if i else None
                tree = doc.tree if new is old else None  # the read's parse, while nothing was added yet
                edited = flexipages.add_field(new, page.target, lookup, doc.path, anchors, tree=tree)
                new = edited if edited is not None else new
            if new is old:
                plan.unchanged.append(name)
                plan.rows[name] = (page.kind, HAS_FIELD, page.reason)
            else:
                plan.changes[name] = (old, new)
                plan.rows[name] = (page.kind, GETS_FIELD, page.reason)
    return plan

"""Reads built from files in hand, as read_org files what a retrieve returns (OrgRead.add_layout, add_page)."""

from email_privacy.steps.read import OrgRead


def org_read(objects=("Contact", "Lead"), layouts=None, pages=None, **fields) -> OrgRead:
    """An OrgRead of `objects` holding `layouts` and `pages` ({name: bytes}); `fields` set the rest."""
    read = OrgRead(objects=tuple(objects), **fields)
    for name, data in (layouts or {}).items():
        read.add_layout(name, data)
    for name, data in (pages or {}).items():
        read.add_page(name, data)
    return read

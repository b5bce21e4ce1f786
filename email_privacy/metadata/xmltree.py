"""Children of lxml elements by local name, in any namespace or none (comments and PIs left out)."""

import copy

from lxml import etree


def local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def children(el, name: str) -> list:
    # "{*}name" matches in C: at 900 layouts this runs some 175,000 times, where a QName per child in Python would not.
    return list(el.iterchildren(f"{{*}}{name}"))


def child_text(el, name: str) -> str:
    # The first such child only (no list of them all): this runs for every item of every layout read.
    found = next(el.iterchildren(f"{{*}}{name}"), None)
    return (found.text or "").strip() if found is not None else ""


def child_texts(el) -> dict[str, str]:
    # A reply's fileProperties and componentSuccesses, one per layout: the tag's local part without a QName each.
    return {c.tag.rpartition("}")[2]: (c.text or "") for c in el.iterchildren(tag=etree.Element)}


def descendants(tree, name: str) -> list:
    return list(tree.iter(f"{{*}}{name}"))


def new_element(parent, name: str):
    """A detached element `name` in `parent`'s namespace; made by the parent, so it reuses the document's prefix."""
    ns = etree.QName(parent).namespace
    return parent.makeelement(f"{{{ns}}}{name}" if ns else name)


def root_of(tree):
    return tree.getroot() if hasattr(tree, "getroot") else tree


def copy_tree(tree):
    return copy.deepcopy(tree if hasattr(tree, "getroot") else etree.ElementTree(tree))

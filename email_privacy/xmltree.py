"""Children of lxml elements by local name, in any namespace or none (comments and PIs left out)."""

import copy

from lxml import etree


def local(el) -> str:
    """Local name of an element ("" for comments and processing instructions)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def children(el, name: str) -> list:
    """Child elements named `name`, in order."""
    # "{*}name" matches in C: at 900 layouts this runs some 175,000 times, where a QName per child in Python would not.
    return list(el.iterchildren(f"{{*}}{name}"))


def child_text(el, name: str) -> str:
    """Stripped text of the first child named `name` ("" if there is none)."""
    found = children(el, name)
    return (found[0].text or "").strip() if found else ""


def child_texts(el) -> dict[str, str]:
    """{local name: text} of an element's child elements (the last wins)."""
    return {local(c): (c.text or "") for c in el if local(c)}


def descendants(tree, name: str) -> list:
    """Elements named `name` anywhere below `tree`, in document order."""
    return list(tree.iter(f"{{*}}{name}"))


def new_element(parent, name: str):
    """A detached element `name` in `parent`'s namespace; made by the parent, so it reuses the document's prefix."""
    ns = etree.QName(parent).namespace
    return parent.makeelement(f"{{{ns}}}{name}" if ns else name)


def root_of(tree):
    """The root element of a tree, or the element itself."""
    return tree.getroot() if hasattr(tree, "getroot") else tree


def copy_tree(tree):
    """A deep copy of a tree (or of the tree an element roots), as an ElementTree."""
    return copy.deepcopy(tree if hasattr(tree, "getroot") else etree.ElementTree(tree))

"""Pure edits of page layouts as lxml trees, keeping every other byte (people review these files in git).
CumulusCI's metadata_tree is not used: its tostring() re-indents the whole document and its parser accepts a DOCTYPE."""

import difflib

from email_privacy.errors import EmailPrivacyError, OptionError
from email_privacy.metadata import documents, splice
from email_privacy.metadata.xmltree import child_text, children, copy_tree, local, new_element, root_of

TARGET_OBJECTS = ("Contact", "Lead", "PersonAccount")

# docs/salesforce-facts.md, Fields.
INDIVIDUAL_FIELD = {"Contact": "IndividualId", "Lead": "IndividualId", "PersonAccount": "PersonIndividualId"}
EMAIL_OPT_OUT_FIELD = {
    "Contact": "HasOptedOutOfEmail",
    "Lead": "HasOptedOutOfEmail",
    "PersonAccount": "PersonHasOptedOutOfEmail",
}

# docs/salesforce-facts.md, Individual: the rep ticks the two flags on Individual's own layouts and pages.
INDIVIDUAL_OBJECT = "Individual"
INDIVIDUAL_FLAGS = ("HasOptedOutTracking", "HasOptedOutProcessing")
PRIVACY_FLAGS = (*INDIVIDUAL_FLAGS, "HasOptedOutProfiling", "HasOptedOutSolicit", "HasOptedOutGeoTracking",
                 "ShouldForget", "SendIndividualData", "CanStorePiiElsewhere")  # fmt: skip


def required_fields(obj: str) -> tuple[str, ...]:
    """The fields every layout and Dynamic Forms page of `obj` must show: its Individual lookup, or on
    Individual itself its two flags."""
    return INDIVIDUAL_FLAGS if obj == INDIVIDUAL_OBJECT else (INDIVIDUAL_FIELD[obj],)


def anchor_fields(obj: str) -> tuple[str, ...]:
    """The fields a new item goes right after where the layout or page has one: Email Opt Out, or on
    Individual its privacy flags."""
    return PRIVACY_FLAGS if obj == INDIVIDUAL_OBJECT else (EMAIL_OPT_OUT_FIELD[obj],)


# after_email_opt_out falls back to end_of_first_section when the layout has no Email Opt Out item.
POSITIONS = ("after_email_opt_out", "end_of_first_section")
BEHAVIORS = ("Edit", "Readonly")

CUSTOM_LINKS_STYLE = "CustomLinks"
assert CUSTOM_LINKS_STYLE in documents.LAYOUT_SECTION_STYLES
assert set(BEHAVIORS) <= set(documents.LAYOUT_ITEM_BEHAVIORS)


def _sections(root) -> list:
    return children(root, "layoutSections")


def _is_custom_links(section) -> bool:
    return child_text(section, "style") == CUSTOM_LINKS_STYLE


def _field_items(root):
    for section in _sections(root):
        for column in children(section, "layoutColumns"):
            for item in children(column, "layoutItems"):
                field = child_text(item, "field")
                if field:
                    yield section, column, item, field


def _same_field(a: str, b: str) -> bool:
    # Salesforce API names are case-insensitive.
    return a.lower() == b.lower()


def field_behavior(tree, field: str) -> str | None:
    """The behavior (Edit, Required, Readonly) of `field` on the layout, "" if it has none, None if absent."""
    for _section, _column, item, name in _field_items(root_of(tree)):
        if _same_field(name, field):
            return child_text(item, "behavior") or ""
    return None


def has_field(tree, field: str) -> bool:
    return field_behavior(tree, field) is not None


def _builder(field: str, behavior: str, anchor):
    """build() for splice.place: a layoutItems holding behavior then field (documents.LAYOUT_ITEM), in the
    parent's namespace and prefix, formatted like `anchor` (the item it follows) where that is plain whitespace."""

    def build(parent, ws: str, unit: str):
        kids = list(anchor) if anchor is not None else []
        if kids and not (anchor.text or "").strip() and not (kids[-1].tail or "").strip():
            inner, closing = anchor.text or "", kids[-1].tail or ""
        else:
            inner, closing = (ws + unit if ws else ""), ws
        item = new_element(parent, "layoutItems")
        item.text = inner
        for name, text, tail in (("behavior", behavior, inner), ("field", field, closing)):
            child = new_element(item, name)
            child.text, child.tail = text, tail
            item.append(child)
        return item

    return build


def _locate(root, position: str, opt_outs: tuple):
    """Where the field goes: ("after", a layoutItems) or ("into", an item-less layoutColumns), or None."""
    if position == "after_email_opt_out":
        for section, _column, item, found in _field_items(root):
            if not _is_custom_links(section) and any(_same_field(found, o) for o in opt_outs):
                return "after", item
    for section in _sections(root):
        columns = children(section, "layoutColumns")
        if columns and not _is_custom_links(section):
            items = children(columns[0], "layoutItems")
            return ("after", items[-1]) if items else ("into", columns[0])
    return None


def _opt_out_names(email_opt_out) -> tuple:
    if email_opt_out is None:
        return tuple(sorted(set(EMAIL_OPT_OUT_FIELD.values())))
    if isinstance(email_opt_out, str):
        return (email_opt_out,)
    return tuple(email_opt_out)


def _edit(tree, field, behavior, position, name, email_opt_out):
    """Shared by add_field and add_field_bytes: (new tree, kind, index of the anchor element, new item) or None."""
    if behavior not in BEHAVIORS:
        raise OptionError(f"behavior: {behavior!r} is not allowed; use one of {', '.join(BEHAVIORS)}.")
    if position not in POSITIONS:
        raise OptionError(f"position: {position!r} is not allowed; use one of {', '.join(POSITIONS)}.")
    root = root_of(tree)
    if local(root) != "Layout":
        raise EmailPrivacyError(f"{name}: not a page layout (root element is {local(root) or root.tag!r}, not Layout)")
    if has_field(root, field):
        return None
    new_tree = copy_tree(tree)
    new_root = new_tree.getroot()
    where = _locate(new_root, position, _opt_out_names(email_opt_out))
    if where is None:
        raise EmailPrivacyError(f"{name}: no section can take {field} (every section is CustomLinks or has no column)")
    kind, anchor = where
    index = splice.element_index(new_root, anchor)
    item = splice.place(kind, anchor, _builder(field, behavior, anchor if kind == "after" else None))
    return new_tree, kind, index, item


def add_field(
    tree,
    field: str,
    behavior: str = "Edit",
    position: str = "after_email_opt_out",
    name: str = "layout",
    email_opt_out: str | tuple | None = None,
):
    """A new tree with the item after Email Opt Out (else ending the first non-CustomLinks section's first column),
    or None when the layout has the field already."""
    edited = _edit(tree, field, behavior, position, name, email_opt_out)
    return None if edited is None else edited[0]


def add_field_bytes(
    data: bytes,
    field: str,
    behavior: str = "Edit",
    position: str = "after_email_opt_out",
    name: str = "layout",
    email_opt_out: str | tuple | None = None,
    tree=None,
) -> bytes | None:
    """Like add_field, on a file's bytes, every other byte kept; `tree`, when given, is `data` already parsed
    (it is copied, never changed)."""
    tree = documents.parse(data, name) if tree is None else tree
    edited = _edit(tree, field, behavior, position, name, email_opt_out)
    if edited is None:
        return None
    return splice.splice_or_tree(data, name, *edited)


def unified_diff(old: bytes, new: bytes, name: str) -> str:
    a = old.decode("utf-8", errors="replace").splitlines(keepends=True)
    b = new.decode("utf-8", errors="replace").splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, fromfile=f"a/{name}", tofile=f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)

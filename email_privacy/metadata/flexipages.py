"""Lightning record pages: what kind each is, and adding a field to a Dynamic Forms page, which shows its own
fields, not the layout's (docs/salesforce-facts.md, Lightning record pages (FlexiPage) and Dynamic Forms). Pages
are walked as the App Builder nests them: regions, components, facets, field sections, columns."""

from dataclasses import dataclass

from email_privacy.errors import EmailPrivacyError
from email_privacy.metadata import documents, layouts, splice
from email_privacy.metadata.xmltree import child_text, children, copy_tree, local, new_element, root_of

INDIVIDUAL_FIELD = layouts.INDIVIDUAL_FIELD
EMAIL_OPT_OUT_FIELD = layouts.EMAIL_OPT_OUT_FIELD
TARGET_OBJECTS = layouts.TARGET_OBJECTS
unified_diff = layouts.unified_diff

RECORD_PAGE = "RecordPage"
PAGE_OBJECTS = ("Contact", "Lead", "Account", layouts.INDIVIDUAL_OBJECT)
FIELD_SECTION = "flexipage:fieldSection"
COLUMN = "flexipage:column"
# Components that show the page layout's fields (Record Detail, and its mobile form).
DETAIL_COMPONENTS = ("force:detailPanel", "force:recordDetailPanelMobile")
UI_BEHAVIOR = "none"

# The kinds classify() gives; only the first two get the field.
KINDS = (
    "dynamic_forms",  # Contact, Lead or Individual page whose field sections hold field instances
    "person_account",  # Account page with field sections and person fields
    "business_account",  # Account page with field sections, no person fields
    "record_detail",  # shows the layout through Record Detail; the layout covers it
    "no_field_section",  # neither field sections with fields nor Record Detail (e.g. highlights only)
    "old_format",  # componentInstances in regions (before API 48): not valid on API 63
    "other_object",  # a record page of an object other than Contact, Lead, Account, Individual
    "not_record_page",  # an app, home or other page
)
CHANGED_KINDS = ("dynamic_forms", "person_account")


@dataclass(frozen=True)
class PageClass:
    """What a page is: its kind (one of KINDS), its object, the target object it gets the field for, why."""

    kind: str
    sobject_type: str
    target: str | None  # "Contact", "Lead", "PersonAccount" or "Individual" when the page gets fields
    reason: str


def _record_field(field_item: str) -> str:
    return field_item[len("Record.") :] if field_item.startswith("Record.") else ""


def _same(a: str, b: str) -> bool:
    # Salesforce API names are case-insensitive.
    return a.lower() == b.lower()


def is_person_field(name: str) -> bool:
    """Person-account fields: `PersonEmail`, `PersonHasOptedOutOfEmail`, custom `Age__pc`."""
    name = name.split(".", 1)[0]
    standard = name.startswith("Person") and name[6:7].isupper() and "__" not in name
    return standard or name.lower().endswith("__pc")


class _Page:
    """One reading of a page: its regions in page order, its field sections and field instances."""

    def __init__(self, root):
        self.regions = children(root, "flexiPageRegions")
        by_name = {}
        for region in self.regions:
            by_name.setdefault(child_text(region, "name"), region)
        self.by_name = by_name
        self.ordered = self._page_order()

    def components(self, region):
        for item in children(region, "itemInstances"):
            for comp in children(item, "componentInstance"):
                props = {}
                for prop in children(comp, "componentInstanceProperties"):
                    props.setdefault(child_text(prop, "name"), child_text(prop, "value"))
                yield item, child_text(comp, "componentName"), props

    def fields(self, region):
        for item in children(region, "itemInstances"):
            for inst in children(item, "fieldInstance"):
                yield item, _record_field(child_text(inst, "fieldItem"))

    def _page_order(self) -> list:
        """Regions as a person meets them: template regions in file order, each followed by the facets it opens."""
        seen, out = set(), []

        def visit(region):
            if id(region) in seen:
                return
            seen.add(id(region))
            out.append(region)
            for _item, _name, props in self.components(region):
                for value in props.values():
                    facet = self.by_name.get(value)
                    if facet is not None and child_text(facet, "type") == "Facet":
                        visit(facet)

        for region in self.regions:
            if child_text(region, "type") != "Facet":
                visit(region)
        return out

    def sections(self) -> list:
        """For each field section in page order, the body regions of its columns, in column order."""
        out = []
        for region in self.ordered:
            for _item, name, props in self.components(region):
                if name != FIELD_SECTION:
                    continue
                columns = self.by_name.get(props.get("columns"))
                bodies = []
                if columns is not None:
                    for _i, cname, cprops in self.components(columns):
                        body = self.by_name.get(cprops.get("body")) if cname == COLUMN else None
                        if body is not None:
                            bodies.append(body)
                out.append(bodies)
        return out

    def section_fields(self):
        """(region, item, field) for every field instance in a field section's column, in page order."""
        for bodies in self.sections():
            for body in bodies:
                for item, field in self.fields(body):
                    if field:
                        yield body, item, field

    def all_fields(self) -> list:
        return [field for region in self.regions for _item, field in self.fields(region) if field]

    def has_component(self, names) -> bool:
        return any(name in names for region in self.regions for _i, name, _p in self.components(region))

    def old_format(self) -> bool:
        return any(children(region, "componentInstances") for region in self.regions)


def _check_root(root, name: str):
    if local(root) != "FlexiPage":
        raise EmailPrivacyError(
            f"{name}: not a Lightning page (root element is {local(root) or root.tag!r}, not FlexiPage)"
        )


def classify(tree, name: str = "page") -> PageClass:
    """What kind of page this is (see KINDS), which target object it gets the field for, and why."""
    root = root_of(tree)
    _check_root(root, name)
    page_type, sobject = child_text(root, "type"), child_text(root, "sobjectType")
    if page_type != RECORD_PAGE:
        return PageClass("not_record_page", sobject, None, f"a {page_type or 'untyped'} page, not a record page")
    if sobject not in PAGE_OBJECTS:
        return PageClass("other_object", sobject, None, f"a record page of {sobject or 'no object'}")
    page = _Page(root)
    if page.old_format():
        return PageClass(
            "old_format",
            sobject,
            None,
            "saved before API 48 (componentInstances in regions); open and save it in "
            "the Lightning App Builder to bring it to the current format",
        )
    if next(page.section_fields(), None) is not None:
        if sobject != "Account":
            return PageClass("dynamic_forms", sobject, sobject, "Dynamic Forms: shows its own field instances")
        if any(is_person_field(f) for f in page.all_fields()):
            return PageClass("person_account", sobject, "PersonAccount", "Dynamic Forms with person-account fields")
        return PageClass("business_account", sobject, None, "a business-account page (Dynamic Forms, no person fields)")
    if page.has_component(DETAIL_COMPONENTS):
        return PageClass("record_detail", sobject, None, "shows the page layout (Record Detail)")
    return PageClass("no_field_section", sobject, None, "shows no field section with fields and no Record Detail")


def has_field(tree, lookup: str) -> bool:
    """True if the page places `Record.<lookup>` anywhere (field section or highlights, any behaviour)."""
    return any(_same(field, lookup) for field in _Page(root_of(tree)).all_fields())


def identifier(root, lookup: str) -> str:
    """An identifier unique within the page, as the App Builder writes them: RecordIndividualIdField, then …2, …3."""
    taken = {(el.text or "").strip().lower() for el in root.iter("{*}identifier")}
    base = "Record" + lookup.replace(".", "").replace("__", "_") + "Field"
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _locate(page: _Page, anchors: tuple[str, ...]):
    """Where the field goes: ("after", element) or ("into", an item-less facet region), or None."""
    for _region, item, field in page.section_fields():
        if any(_same(field, a) for a in anchors):
            return "after", item
    for bodies in page.sections():
        if not bodies:
            continue
        first = bodies[0]
        items = children(first, "itemInstances") or children(first, "appendable")
        return ("after", items[-1]) if items else ("into", first)
    return None


def _build(parent, spec, ws: str, unit: str):
    """Element (tag, text or [children]) in `parent`'s namespace, children indented one `unit` past `ws`."""
    tag, content = spec
    el = new_element(parent, tag)
    if isinstance(content, str):
        el.text = content
        return el
    inner = ws + unit if ws else ""
    el.text = inner
    for child_spec in content:
        child = _build(el, child_spec, inner, unit)
        child.tail = inner
        el.append(child)
    el[-1].tail = ws
    return el


def _new_item(parent, lookup: str, ident: str, ws: str, unit: str):
    spec = (
        "itemInstances",
        [
            (
                "fieldInstance",
                [
                    ("fieldInstanceProperties", [("name", "uiBehavior"), ("value", UI_BEHAVIOR)]),
                    ("fieldItem", f"Record.{lookup}"),
                    ("identifier", ident),
                ],
            )
        ],
    )
    return _build(parent, spec, ws, unit)


def _edit(tree, target: str, lookup: str, name: str, anchors: tuple[str, ...] | None = None):
    """(new tree, "after"|"into", anchor index, new item), or None when the page is left as it is."""
    root = root_of(tree)
    page_class = classify(root, name)
    if page_class.kind not in CHANGED_KINDS:
        return None
    if page_class.target != target:
        raise EmailPrivacyError(f"{name}: a {page_class.target} page, not a {target} page")
    if has_field(root, lookup):
        return None
    new_tree = copy_tree(tree)
    new_root = new_tree.getroot()
    where = _locate(_Page(new_root), anchors or layouts.anchor_fields(target))
    if where is None:
        raise EmailPrivacyError(f"{name}: no field section column can take {lookup}")
    kind, anchor = where
    index = splice.element_index(new_root, anchor)
    ident = identifier(new_root, lookup)
    item = splice.place(kind, anchor, lambda parent, ws, unit: _new_item(parent, lookup, ident, ws, unit))
    return new_tree, kind, index, item


def add_field_tree(tree, target: str, lookup: str, name: str = "page"):
    """A new tree with `Record.<lookup>` placed, or None when the page is left as it is."""
    edited = _edit(tree, target, lookup, name)
    return None if edited is None else edited[0]


def add_field(data: bytes, target: str, lookup: str, name: str = "page", anchors=None, tree=None) -> bytes | None:
    """Like add_field_tree, on a file's bytes, every other byte kept: after Email Opt Out (or `anchors`), else
    ending the first field section's first column. `tree`, when given, is `data` parsed (copied, never changed)."""
    tree = documents.parse(data, name) if tree is None else tree
    edited = _edit(tree, target, lookup, name, anchors)
    if edited is None:
        return None
    return splice.splice_or_tree(data, name, *edited)

"""How the local org judges a deployed Lightning page (FlexiPage): element order, fields, identifiers.

Element order and values follow the Metadata API schema (models/wsdl.py) and are reported in Salesforce's
words, as for layouts (deploy_checks.check_type). No public
source gives Salesforce's exact text for a field instance naming a missing field or for a repeated
identifier, so those two texts are this org's own (marked below), worded to name what is wrong.
"""

from localorg.models.deploy_checks import Document, Problem, check_type
from localorg.xml import MDAPI_NS

RECORD_PREFIX = "Record."


def _q(name: str) -> str:
    return f"{{{MDAPI_NS}}}{name}"


def _kids(el, name: str) -> list:
    return el.findall(_q(name))


def check_flexipage(doc: Document, fields_of) -> list[Problem]:
    """Judge a FlexiPage. `fields_of(sobject)` gives the fields of an object this org models, None when
    it has no such object; a record page's `Record.<field>` instances must name fields of its sobjectType."""
    root = doc.tree.getroot()
    if root.tag != _q("FlexiPage"):
        line, col = doc.where(root)
        return [Problem(f"Element {root.tag} invalid at this location in type FlexiPage", line, col)]
    problems = check_type(doc, root, "FlexiPage")
    sobject = (root.findtext(_q("sobjectType")) or "").strip()
    fields = fields_of(sobject) if sobject else None
    if sobject and fields is None:
        line, col = doc.where(root.find(_q("sobjectType")))
        # This org's words.
        problems.append(Problem(f"sobjectType {sobject!r} is not an object of this org", line, col))
    seen: dict[str, int] = {}
    for region in _kids(root, "flexiPageRegions"):
        for item in _kids(region, "itemInstances"):
            for comp in _kids(item, "componentInstance"):
                problems += _identifier(doc, comp, seen)
            for inst in _kids(item, "fieldInstance"):
                problems += _identifier(doc, inst, seen)
                problems += _field(doc, inst, sobject, fields)
    return problems


def _identifier(doc: Document, el, seen: dict[str, int]) -> list[Problem]:
    ident = (el.findtext(_q("identifier")) or "").strip()
    if not ident:
        return []
    seen[ident] = seen.get(ident, 0) + 1
    if seen[ident] == 1:
        return []
    line, col = doc.where(el)
    # This org's words: a page's identifiers are unique in every public page (docs/salesforce-facts.md).
    return [
        Problem(f"Identifier {ident} is used more than once in the page; each identifier must be unique", line, col)
    ]


def _field(doc: Document, inst, sobject: str, fields) -> list[Problem]:
    item = (inst.findtext(_q("fieldItem")) or "").strip()
    if not item.startswith(RECORD_PREFIX) or fields is None or fields is Ellipsis:
        return []
    name = item[len(RECORD_PREFIX) :]
    if name in fields:
        return []
    line, col = doc.where(inst)
    # This org's words, in the form Salesforce uses for a layout naming a missing field.
    return [Problem(f"In field: fieldItem - no CustomField named {sobject}.{name} found", line, col)]

"""Verify rows (`Row.as_dict()`) as JUnit XML (the Jenkins xUnit plugin's junit-10.xsd, which CI reporters read)
and a Markdown table; a row maps to a case by its own fields, so new kinds of row need nothing here."""

import re
from collections.abc import Iterable, Mapping

from lxml import etree

from email_privacy.private_files import write_private  # noqa: F401 (the writer for these files, re-exported)

FLOW = "enable_individual_email_tracking"
# junit-10.xsd's timestamp is an ISO 8601 date and time without a zone (the JUnit Ant task's form).
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


def classname(org: str, row: Mapping) -> str:
    """Reporters split at the last dot: the org is the package, the item the class."""
    return f"{org}.{row.get('item') or row.get('object') or row.get('kind')}"


def case_name(row: Mapping) -> str:
    name = str(row.get("name", ""))
    return f"{name} (package {row['package']})" if row.get("package") else name


def _action(state: str) -> str:
    if state == "off":
        return "turn it on"
    if state.startswith("lacks "):
        return f"add the field {state.removeprefix('lacks ')} to it"
    return "put it right"


def what_to_do(row: Mapping, org: str) -> str:
    """How to put this row right; a row's own `todo` wins, for remedies that are not a rerun of the flow."""
    if row.get("todo"):
        return str(row["todo"])
    rerun = f"cci flow run {FLOW} --org {org}"
    kind = str(row.get("kind") or "item")
    obj = str(row.get("object") or "")
    if not row.get("api_name"):
        what = f"{obj} {kind.lower()}".strip()
        return (
            f"No {what} was read: check that the running user can read them (Customize Application), "
            f"then run verify_email_privacy again."
        )
    subject = f"The {obj} {kind.lower()} {case_name(row)}" if obj else f"{kind} {case_name(row)}"
    place = f"Setup > Object Manager > {obj}" if obj else "Setup"
    return (
        f"{subject} ({row.get('api_name')}): {row.get('state')}; {_action(str(row.get('state', '')))}. "
        f"Run `{rerun}` (it puts right every item it configures), or do it in {place}."
    )


def junit_xml(rows: Iterable[Mapping], org: str, timestamp: str) -> bytes:
    """The JUnit document: one testsuite named after the org, one testcase per row."""
    rows = list(rows)
    stamp = _TIMESTAMP.match(timestamp or "")
    failures = sum(1 for r in rows if not r.get("ok"))
    counts = {"tests": str(len(rows)), "failures": str(failures), "errors": "0"}
    root = etree.Element("testsuites", name="email privacy", time="0", **counts)
    suite = etree.SubElement(
        root, "testsuite", name=org, **counts, skipped="0", time="0", timestamp=stamp.group(0) if stamp else ""
    )
    if not stamp:
        del suite.attrib["timestamp"]
    props = etree.SubElement(suite, "properties")
    etree.SubElement(props, "property", name="configured", value="true" if not failures else "false")
    for row in rows:
        case = etree.SubElement(suite, "testcase", name=case_name(row), classname=classname(org, row), time="0")
        if not row.get("ok"):
            failure = etree.SubElement(
                case, "failure", message=f"{row.get('verdict')}: {row.get('state')}", type=str(row.get("verdict"))
            )
            failure.text = what_to_do(row, org)
        out = etree.SubElement(case, "system-out")
        out.text = f"{row.get('api_name') or '(none)'}: {row.get('state')} ({row.get('verdict')})"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _md(text) -> str:
    # A pipe would end the cell and a newline the row.
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def markdown_summary(rows: Iterable[Mapping], org: str, heading: str = "") -> str:
    """A heading saying whether the org is configured (or `heading`), a table of every row, and what to do for
    each failure."""
    rows = list(rows)
    bad = [r for r in rows if not r.get("ok")]
    packaged = any(r.get("package") for r in rows)
    verdict = "configured" if not bad else f"NOT configured ({len(bad)} of {len(rows)} items need action)"
    headers = ["Item", "Name", *(["Package"] if packaged else []), "State", "Verdict"]
    title = heading or f"Email privacy: {_md(org)} is {verdict}"
    lines = [f"### {title}", "", "| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join("---" for _ in headers) + "|")
    for r in rows:
        mark = "✅" if r.get("ok") else "❌"
        cells = [r.get("item"), r.get("name"), *([r.get("package")] if packaged else []), r.get("state")]
        lines.append("| " + " | ".join(_md(c) for c in cells) + f" | {mark} {_md(r.get('verdict'))} |")
    if bad:
        lines += ["", "What to do:", ""]
        lines += [f"- {_md(what_to_do(r, org))}" for r in bad]
    return "\n".join(lines) + "\n"

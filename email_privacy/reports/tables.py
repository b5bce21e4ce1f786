"""Tables (drawn with rich, as CumulusCI draws its own, and logged so they reach cci's log file too) and JSON
reports, shared by the tasks."""

import io
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from email_privacy.private_files import write_private

Column = tuple[str, str]  # (row key, header)


# Above this many rows or names of one group (an object's layouts), a log shows their count instead: at 1,000
# layouts per object a line each buries what needs action, and drawing them is most of the client's CPU.
LISTED_MAX = 20

# cci's RichHandler puts a time column of this width before every logged line.
LOG_PREFIX_WIDTH = 21


def log_width() -> int:
    """The terminal's width less the log handler's time column, so logged tables do not wrap."""
    return max(60, Console().width - LOG_PREFIX_WIDTH)


def log_names(logger, what: str, names: Sequence[str], group: Callable[[str], str], show: Callable[[str], str]):
    """`  what: name` a line each, or for a group (an object) of more than LISTED_MAX names one count line."""
    by_group: dict[str, list[str]] = {}
    for name in names:
        by_group.setdefault(group(name), []).append(name)
    for key, members in by_group.items():
        if len(members) > LISTED_MAX:
            logger.info(f"  {what}: {len(members):,} {key} layouts (listed in the return values)")
            continue
        for name in members:
            logger.info(f"  {what}: {show(name)}")


def render_table(title: str, columns: Sequence[Column], rows: Sequence[Mapping], width: int = 100) -> str:
    """Plain text, no colour codes, so logs and files stay readable."""
    table = Table(title=title, box=box.SIMPLE_HEAVY, show_lines=False, title_justify="left")
    for _, header in columns:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(key)) for key, _ in columns))
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, force_terminal=False, highlight=False).print(table)
    return "\n".join(line.rstrip() for line in out.getvalue().rstrip("\n").splitlines())


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def log_table(
    logger,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Mapping],
    summarise: Callable[[Mapping], Mapping | None] | None = None,
    full: Sequence[object] = (),
) -> str:
    """One message, so the table stays one block on the terminal and in the log file. With `summarise`, rows it
    gives a stand-in for (the same stand-in: one group) are shown as that one row, `{n}` in it replaced by their
    count, where a group has more than LISTED_MAX; a line after the table says so and where every row is (`full`:
    the files written)."""
    shown, counted = summarised(rows, summarise) if summarise else (rows, 0)
    text = render_table(title, columns, shown, log_width())
    logger.info("\n" + text)
    if counted:
        files = [str(f) for f in full if f]
        where = f"every row is in {', '.join(files)}" if files else FULL_TABLE_OPTIONS
        logger.info(f"{counted:,} rows are counted in the table above, not listed: {where}.")
    return text


FULL_TABLE_OPTIONS = "options report (JSON), junit and summary (Markdown) write every row to a file"


def counted_when_ok(row: Mapping) -> Mapping | None:
    """A verified layout or page that is right stands in one count per object, kind, state and verdict; settings,
    access and every row that needs action are always listed."""
    if row.get("kind") not in ("Layout", "Page") or not row.get("ok") or row.get("warning"):
        return None
    return {
        "item": row["item"],
        "name": f"{{n}} {row['kind'].lower()}s",
        "state": row["state"],
        "verdict": row["verdict"],
    }


def summarised(rows: Sequence[Mapping], stand_in: Callable[[Mapping], Mapping | None]) -> tuple[list[Mapping], int]:
    """(the rows, each group over LISTED_MAX rows as one count row where its first row was; rows counted)."""
    keys = [stand_in(row) for row in rows]
    groups: dict[tuple, int] = {}
    for key in keys:
        if key is not None:
            group = tuple(key.items())
            groups[group] = groups.get(group, 0) + 1
    shown, counted, done = [], 0, set()
    for row, key in zip(rows, keys, strict=True):
        group = tuple(key.items()) if key is not None else None
        if group is None or groups[group] <= LISTED_MAX:
            shown.append(row)
        elif group not in done:
            done.add(group)
            counted += groups[group]
            shown.append({k: str(v).replace("{n}", f"{groups[group]:,}") for k, v in key.items()})
    return shown, counted


def write_json(path: Path, data) -> Path:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    return write_private(path, text.encode("utf-8"))

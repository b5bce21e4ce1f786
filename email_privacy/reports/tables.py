"""Tables (drawn with rich, as CumulusCI draws its own, and logged so they reach cci's log file too) and JSON
reports, shared by the tasks."""

import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from email_privacy.private_files import write_private

Column = tuple[str, str]  # (row key, header)


# cci's RichHandler puts a time column of this width before every logged line.
LOG_PREFIX_WIDTH = 21


def log_width() -> int:
    """The terminal's width less the log handler's time column, so logged tables do not wrap."""
    return max(60, Console().width - LOG_PREFIX_WIDTH)


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


def log_table(logger, title: str, columns: Sequence[Column], rows: Sequence[Mapping]) -> str:
    """One message, so the table stays one block on the terminal and in the log file."""
    text = render_table(title, columns, rows, log_width())
    logger.info("\n" + text)
    return text


def write_json(path: Path, data) -> Path:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    return write_private(path, text.encode("utf-8"))

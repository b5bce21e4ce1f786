"""Tables and JSON reports, shared by the tasks: generic rows (dicts) and columns (key, header).

The table is drawn with rich, as CumulusCI draws its own tables, into text that the task logs: so it
shows on the terminal and lands in cci's log file too. Report files (JSON here, JUnit and Markdown in
junit.py) are written readable by the owner only (0600), through a temporary file and a rename, so a
reader never sees half a report.
"""

import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from ..errors import OptionError
from ..private_files import write_private
from .options import absolute

Column = tuple[str, str]  # (row key, header)


# cci's RichHandler puts a time column of this width before every logged line.
LOG_PREFIX_WIDTH = 21


def log_width() -> int:
    """The width a logged table can take without the log handler wrapping its lines: the terminal's, as rich
    measures it (COLUMNS, else 80 when not a terminal), less the handler's time column."""
    return max(60, Console().width - LOG_PREFIX_WIDTH)


def render_table(title: str, columns: Sequence[Column], rows: Sequence[Mapping], width: int = 100) -> str:
    """The rows as a plain-text rich table (no colour codes, so logs and files stay readable); cells wrap
    to fit `width`."""
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
    """Log the table as one message (one block on the terminal and in the log file); return its text."""
    text = render_table(title, columns, rows, log_width())
    logger.info("\n" + text)
    return text


def report_path(option_name: str, value, what: str = "JSON file") -> Path | None:
    """Validate a report path option up front: None when not given; OptionError when it names a folder
    or a place that cannot hold a file (`what` names the kind of file in the message)."""
    if value is None or str(value).strip() == "":
        return None
    path = absolute(value)
    if path.is_dir():
        raise OptionError(f"Option {option_name}: {value} is a folder; give the path of a {what} to write.")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise OptionError(f"Option {option_name}: {parent} is not a folder; give the path of a {what} to write.")
    return path


def report_paths(options: Mapping, whats: Mapping[str, str]) -> dict[str, Path | None]:
    """report_path for each option of `whats` ({option name: kind of file}); OptionError when two name one file."""
    paths = {name: report_path(name, options.get(name), what) for name, what in whats.items()}
    given = [(name, path.resolve()) for name, path in paths.items() if path]
    for i, (name, path) in enumerate(given):
        for other, same in given[i + 1 :]:
            if path == same:
                raise OptionError(f"Options {name} and {other}: both name {path}; give each its own file.")
    return paths


def write_json(path: Path, data) -> Path:
    """Write `data` as JSON to `path` (write_private: mode 0600, atomically); return the path."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    return write_private(path, text.encode("utf-8"))

"""Option values parsed, each failure one line naming the option, the value and what is allowed (CumulusCI's
process_bool_arg raises a TypeError that names no option)."""

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path

from email_privacy.errors import OptionError

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


def nearest(name: str, allowed: Iterable[str]) -> str | None:
    """The allowed name closest to `name` (difflib, case-insensitive), or None when none is close: close enough
    for a slip of the keyboard (dry_rn, Contacts), not for another word (Account is not PersonAccount)."""
    by_lower = {str(a).lower(): str(a) for a in allowed}
    found = difflib.get_close_matches(str(name).lower(), list(by_lower), n=1, cutoff=0.75)
    return by_lower[found[0]] if found else None


def _did_you_mean(value, allowed) -> str:
    close = nearest(value, allowed)
    return f" (did you mean {close}?)" if close else ""


def parse_bool(name: str, value, default: bool | None = None) -> bool:
    if value is None or value == "":
        if default is None:
            raise OptionError(f"Option {name} is required: use true or false.")
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise OptionError(f"Option {name}: {value!r} is not a boolean; use true or false.")


def parse_choice(name: str, value, allowed, default=None) -> str:
    if value is None or value == "":
        if default is None:
            raise OptionError(f"Option {name} is required: use one of {', '.join(allowed)}.")
        return default
    by_lower = {str(a).lower(): a for a in allowed}
    text = str(value).strip().lower()  # a YAML boolean reads as "true" / "false"
    if text not in by_lower:
        raise OptionError(
            f"Option {name}: {value!r} is not allowed{_did_you_mean(text, allowed)}; "
            f"use one of {', '.join(map(str, allowed))}."
        )
    return by_lower[text]


def parse_list(name: str, value, allowed=None) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    elif isinstance(value, (list, tuple)):
        items = [str(v).strip() for v in value]
    else:
        raise OptionError(f"Option {name}: {value!r} is not a list; use comma-separated values.")
    items = [i for i in items if i]
    if allowed is not None:
        by_lower = {a.lower(): a for a in allowed}
        bad = [i for i in items if i.lower() not in by_lower]
        if bad:
            raise OptionError(
                f"Option {name}: {', '.join(bad)} not allowed{_did_you_mean(bad[0], allowed)}; "
                f"use any of {', '.join(allowed)}."
            )
        items = [by_lower[i.lower()] for i in items]
    return items


def parse_int(
    name: str, value, default: int | None = None, minimum: int | None = None, maximum: int | None = None
) -> int:
    if value is None or value == "":
        if default is None:
            raise OptionError(f"Option {name} is required: use a whole number.")
        return default
    allowed = (
        "use a whole number"
        + ("" if minimum is None else f" from {minimum}")
        + ("" if maximum is None else f" to {maximum}")
    )
    try:
        number = int(str(value).strip())
    except ValueError:
        raise OptionError(f"Option {name}: {value!r} is not a whole number; {allowed}.") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise OptionError(f"Option {name}: {number} is out of range; {allowed}.")
    return number


def parse_api_version(name: str, value, default: str) -> str:
    if value is None or value == "":
        return default
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        raise OptionError(f"Option {name}: {value!r} is not an API version; use a number like 63.0.") from None
    if number < 20 or number != number:  # NaN check
        raise OptionError(f"Option {name}: {value!r} is not an API version; use a number like 63.0.")
    return f"{number:.1f}"


def absolute(value) -> Path:
    """Made absolute where cci started: a task runs in its source's checkout (docs/salesforce-facts.md, CumulusCI
    and sources), and `-o report out.json` belongs where the user ran cci."""
    return Path(str(value)).expanduser().absolute()


def parse_existing_path(name: str, value, kind: str = "file") -> Path:
    if value is None or value == "":
        raise OptionError(f"Option {name} is required: give the path of a {kind}.")
    path = absolute(value)
    ok = path.is_file() if kind == "file" else path.is_dir()
    if not ok:
        raise OptionError(f"Option {name}: {value} is not an existing {kind}.")
    return path


def parse_folder(name: str, value, default, must_exist: bool = False) -> Path:
    """Return an absolute folder path: an existing folder, or (unless must_exist) one that can be created."""
    if value is None or value == "":
        return absolute(default)
    path = absolute(value)
    if path.exists() and not path.is_dir():
        raise OptionError(f"Option {name}: {value} is a file; use a folder.")
    if must_exist and not path.is_dir():
        raise OptionError(f"Option {name}: {value} is not an existing folder.")
    return path


def parse_seconds(name: str, value, maximum: float = 600) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        number = -1.0
    if not 0 <= number <= maximum:
        raise OptionError(f"Option {name}: {value!r} is not allowed; use a number of seconds from 0 to {maximum:g}.")
    return number


def report_path(option_name: str, value, what: str = "JSON file") -> Path | None:
    """Checked up front, so a bad path fails before the org is read."""
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
    paths = {name: report_path(name, options.get(name), what) for name, what in whats.items()}
    given = [(name, path.resolve()) for name, path in paths.items() if path]
    for i, (name, path) in enumerate(given):
        for other, same in given[i + 1 :]:
            if path == same:
                raise OptionError(f"Options {name} and {other}: both name {path}; give each its own file.")
    return paths

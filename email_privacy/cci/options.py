"""Parsing of task and CLI option values, each failure one line naming the option.

CumulusCI passes options as strings from `cci ... -o name value` and as YAML values from
cumulusci.yml; its own process_bool_arg raises a TypeError that does not name the option, so
every task of this project parses its options here instead.

CumulusCI's typed options (cumulusci.utils.options.CCIOptions, pydantic models) are not used: their
failures read "Error in 'x' option: 'value could not be parsed to a boolean'", without the value given
or what is allowed, they refuse options a task does not declare, and they make self.options read-only;
the flow's org_state and permission_sets values are Python objects, not strings.
"""

from pathlib import Path

from ..errors import OptionError

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


def parse_bool(name: str, value, default: bool | None = None) -> bool:
    """Return a boolean from True/False or a string like "true", "False", "yes", "0"."""
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
    """Return `value` if it is one of `allowed` (case-insensitive, canonical spelling returned)."""
    if value is None or value == "":
        if default is None:
            raise OptionError(f"Option {name} is required: use one of {', '.join(allowed)}.")
        return default
    by_lower = {str(a).lower(): a for a in allowed}
    text = str(value).strip().lower()
    if text not in by_lower:
        raise OptionError(f"Option {name}: {value!r} is not allowed; use one of {', '.join(map(str, allowed))}.")
    return by_lower[text]


def parse_list(name: str, value, allowed=None) -> list[str]:
    """Return a list from a comma-separated string or a YAML list; check members against `allowed`."""
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
            raise OptionError(f"Option {name}: {', '.join(bad)} not allowed; use any of {', '.join(allowed)}.")
        items = [by_lower[i.lower()] for i in items]
    return items


def parse_int(
    name: str, value, default: int | None = None, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return a whole number within [minimum, maximum]."""
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
    """Return an API version like "63.0"."""
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
    """A path option made absolute against the folder cci was started in.

    Options are parsed when CumulusCI builds the task; it then runs the task inside the project's checkout,
    and for a task loaded through `sources:` that is the source's checkout, not the user's project. Made
    absolute here, `-o report out.json` lands where the user ran cci, whichever project the task came from.
    """
    return Path(str(value)).expanduser().absolute()


def parse_existing_path(name: str, value, kind: str = "file") -> Path:
    """Return an absolute Path that exists and is a file (kind="file") or a folder (kind="folder")."""
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


# Option entries several tasks share word for word, for `cci task info`.
CHECK_ONLY_OPTION = {"check_only": {"description": "Validate the deploy in the org without saving it (default false)."}}
PAGES_OPTION = {
    "pages": {
        "description": "Also the Lightning record pages of Contact, Lead and Account: Dynamic Forms pages get "
        "the Individual field; set false to leave pages out (default true)."
    }
}
ORG_STATE_OPTION = {
    "org_state": {"description": "Set by the flow only: the prerequisites task's read of the org, reused."}
}

# Options every task that calls the Metadata API takes, as task_options entries for `cci task info`.
CLIENT_TASK_OPTIONS = {
    "api_version": {
        "description": "Metadata API version to use, e.g. 63.0 (default: the project's package api_version)."
    },
    "retries": {
        "description": "How many times to repeat a call after an HTTP 5xx, a connection reset or a timeout (default 3)."
    },
    "backoff": {"description": "Seconds to wait before the first repeat, doubling each time (default 0.5)."},
    "poll_interval": {
        "description": "Seconds between the first status polls of a retrieve or deploy, growing to 5 (default 0.1)."
    },
}


def client_settings(options) -> dict:
    """Validate CLIENT_TASK_OPTIONS from raw task options; OptionError naming the option on a bad value."""

    def seconds(name, default):
        value = options.get(name)
        if value is None or value == "":
            return default
        try:
            number = float(str(value).strip())
        except ValueError:
            number = -1.0
        if not 0 <= number <= 600:
            raise OptionError(f"Option {name}: {value!r} is not allowed; use a number of seconds from 0 to 600.")
        return number

    return {
        "api_version": parse_api_version("api_version", options.get("api_version"), "") or None,
        "retries": parse_int("retries", options.get("retries"), 3, minimum=0, maximum=10),
        "backoff": seconds("backoff", 0.5),
        "poll_interval": seconds("poll_interval", 0.1),
    }

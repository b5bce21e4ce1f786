"""The options of set_individual_privacy, checked up front, and the request CSV read as a stream.

The CSV is read row by row, twice: once here, before any call to the org, to check every line (a
mistake costs nothing), and once more when the run loads it into its on-disk index
(features/match_index.py). Neither pass keeps the rows in memory.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from email_privacy.api.ingest_files import SALESFORCE_UPLOAD_LIMIT
from email_privacy.errors import OptionError
from email_privacy.options.values import parse_bool, parse_existing_path, parse_int

OBJECTS = ("Contact", "Lead", "PersonAccount")
FLAG_FIELDS = {"dont_track": "HasOptedOutTracking", "dont_process": "HasOptedOutProcessing"}
WHERE_OPTIONS = {"contacts_where": "Contact", "leads_where": "Lead", "person_accounts_where": "PersonAccount"}
ID_PREFIXES = {"003": "Contact", "00Q": "Lead", "001": "PersonAccount"}
DEFAULT_BULK_THRESHOLD = 2000
MIN_UPLOAD_LIMIT = 1000  # room for the header and a row
_ID_RE = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")


@dataclass
class InputRow:
    """One line of the request CSV."""

    line: int
    email: str | None = None
    id: str | None = None
    object: str | None = None


@dataclass
class PrivacyRequest:
    """What to do, validated: the flags to write and which records they go on."""

    flags: dict  # Individual field -> bool
    csv_path: Path | None = None
    where: dict = field(default_factory=dict)  # object -> SOQL condition
    dry_run: bool = False
    bulk_threshold: int = DEFAULT_BULK_THRESHOLD
    upload_limit: int = SALESFORCE_UPLOAD_LIMIT
    csv_rows: int = 0
    csv_objects: frozenset = frozenset()  # the object column's values (None: rows without one)
    confirm: bool = True  # ask the Consent API about the people afterwards

    def rows(self) -> Iterator[InputRow]:
        """The CSV's rows again, streamed (already checked)."""
        return read_csv(self.csv_path) if self.csv_path else iter(())


def parse_request(options: dict) -> PrivacyRequest:
    """Validate the task's options up front; OptionError naming the option on any mistake."""
    flags = {}
    for name, fieldname in FLAG_FIELDS.items():
        if options.get(name) not in (None, ""):
            flags[fieldname] = parse_bool(name, options.get(name))
    if not flags:
        raise OptionError("Options dont_track and dont_process: give at least one of them (true or false).")
    where = parse_where(options)
    csv_path, count, objects = None, 0, set()
    if options.get("csv") not in (None, ""):
        csv_path = parse_existing_path("csv", options.get("csv"))
        for row in read_csv(csv_path):
            count += 1
            objects.add(row.object)
    if csv_path and where:
        raise OptionError(
            "Option csv cannot be combined with contacts_where, leads_where or "
            "person_accounts_where; use one way to choose the records."
        )
    if not csv_path and not where:
        raise OptionError(
            "Options csv, contacts_where, leads_where, person_accounts_where: give a csv file "
            "or at least one where condition."
        )
    return PrivacyRequest(
        flags=flags,
        csv_path=csv_path,
        where=where,
        **parse_run_options(options),
        confirm=parse_bool("confirm", options.get("confirm"), default=True),
        csv_rows=count,
        csv_objects=frozenset(objects),
    )


def parse_where(options: dict) -> dict[str, str]:
    """{object: SOQL condition} from contacts_where, leads_where, person_accounts_where (those given)."""
    return {
        obj: parse_condition(name, options.get(name))
        for name, obj in WHERE_OPTIONS.items()
        if options.get(name) not in (None, "")
    }


def parse_condition(name: str, value) -> str:
    """One SOQL condition (what follows WHERE), one statement."""
    text = str(value).strip()
    if not text or ";" in text or re.match(r"(?i)^\s*where\b", text):
        raise OptionError(
            f"Option {name}: {value!r} is not a SOQL condition; give what follows WHERE, "
            "e.g. \"Email LIKE '%@example.com'\"."
        )
    return text


def parse_run_options(options: dict) -> dict:
    """dry_run, bulk_threshold and upload_limit, checked: PrivacyRequest's keyword arguments."""
    return {
        "dry_run": parse_bool("dry_run", options.get("dry_run"), default=False),
        "bulk_threshold": parse_int(
            "bulk_threshold", options.get("bulk_threshold"), default=DEFAULT_BULK_THRESHOLD, minimum=1
        ),
        "upload_limit": parse_int(
            "upload_limit",
            options.get("upload_limit"),
            default=SALESFORCE_UPLOAD_LIMIT,
            minimum=MIN_UPLOAD_LIMIT,
            maximum=SALESFORCE_UPLOAD_LIMIT,
        ),
    }


def read_csv(path: Path) -> Iterator[InputRow]:
    """Rows of the request CSV, one at a time: column email or id (or both), optional object."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise OptionError(f"Option csv: {path} is empty; it needs a header line with email or id.")
            columns = [h.strip().lower() for h in header]
            if "email" not in columns and "id" not in columns:
                raise OptionError(
                    f"Option csv: {path} has no email or id column (columns: {', '.join(header) or 'none'}); add one."
                )
            any_rows = False
            for number, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue
                any_rows = True
                yield _input_row(path, number, dict(zip(columns, (v.strip() for v in values), strict=False)))
    except UnicodeDecodeError:
        raise OptionError(f"Option csv: {path} is not UTF-8 text.") from None
    except csv.Error as exc:
        raise OptionError(f"Option csv: {path} is not a readable CSV file ({exc}).") from None
    if not any_rows:
        raise OptionError(f"Option csv: {path} has a header but no rows.")


def _input_row(path: Path, number: int, values: dict) -> InputRow:
    email, record_id, obj = values.get("email") or None, values.get("id") or None, values.get("object") or None
    if not email and not record_id:
        raise OptionError(f"Option csv: {path} line {number} has neither an email nor an id.")
    if email and "@" not in email:
        raise OptionError(f"Option csv: {path} line {number}: {email!r} is not an email address.")
    if record_id and not _ID_RE.match(record_id):
        raise OptionError(
            f"Option csv: {path} line {number}: {record_id!r} is not a Salesforce record id "
            "(15 or 18 letters and digits)."
        )
    if obj:
        by_lower = {o.lower(): o for o in OBJECTS}
        if obj.lower() not in by_lower:
            raise OptionError(
                f"Option csv: {path} line {number}: object {obj!r} is not allowed; use one of {', '.join(OBJECTS)}."
            )
        obj = by_lower[obj.lower()]
    elif record_id:
        obj = ID_PREFIXES.get(record_id[:3])
        if obj is None:
            raise OptionError(
                f"Option csv: {path} line {number}: id {record_id} is not a contact, lead or "
                "account id; add an object column."
            )
    return InputRow(line=number, email=email, id=record_id, object=obj)

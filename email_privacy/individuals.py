"""Record Don't Track / Don't Process requests on the Individuals of contacts, leads and person accounts.

The steps, each a function so it can be tested alone:
  parse_request   options -> PrivacyRequest (every mistake one line naming the option)
  resolve_targets describes -> the Individual lookup per object (never hard-coded: FACTS.md)
  find_records    queries -> the matched records with their Individual's current flags, and what was not found
  make_plan       pure: which Individuals to update, which records need a new one, which are already set
  apply_plan      writes: update Individuals, create the missing ones, link them, remove orphans
Reads and writes go through data_client.OrgClient; a volume at or above `bulk_threshold` goes through
Bulk API 2.0 so the number of API calls does not grow with the number of records.

Email Opt Out (HasOptedOutOfEmail / PersonHasOptedOutOfEmail) is never read or written here.
"""

import csv
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .cci.options import parse_bool, parse_existing_path, parse_int
from .data_client import OrgClient, Outcome
from .errors import OptionError, OrgError
from .salesforce.describe import DESCRIBE_OBJECT, has_person_accounts, individual_lookup

OBJECTS = ("Contact", "Lead", "PersonAccount")
FLAG_FIELDS = {"dont_track": "HasOptedOutTracking", "dont_process": "HasOptedOutProcessing"}
WHERE_OPTIONS = {"contacts_where": "Contact", "leads_where": "Lead", "person_accounts_where": "PersonAccount"}
ID_PREFIXES = {"003": "Contact", "00Q": "Lead", "001": "PersonAccount"}
DEFAULT_BULK_THRESHOLD = 2000
# A REST query travels in the URL (GET); Salesforce refuses URIs over 16,384 bytes. URL-encoding an
# email list roughly doubles it, so an IN list stays under this many characters of SOQL.
MAX_IN_CLAUSE_CHARS = 6000
_ID_RE = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")


# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------
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
    rows: list = field(default_factory=list)  # InputRow, from the csv option
    where: dict = field(default_factory=dict)  # object -> SOQL condition
    dry_run: bool = False
    bulk_threshold: int = DEFAULT_BULK_THRESHOLD


def parse_request(options: dict) -> PrivacyRequest:
    """Validate the task's options up front; OptionError naming the option on any mistake."""
    flags = {}
    for name, fieldname in FLAG_FIELDS.items():
        if options.get(name) not in (None, ""):
            flags[fieldname] = parse_bool(name, options.get(name))
    if not flags:
        raise OptionError("Options dont_track and dont_process: give at least one of them (true or false).")
    where = {}
    for name, obj in WHERE_OPTIONS.items():
        value = options.get(name)
        if value in (None, ""):
            continue
        text = str(value).strip()
        if not text or ";" in text or re.match(r"(?i)^\s*where\b", text):
            raise OptionError(
                f"Option {name}: {value!r} is not a SOQL condition; give what follows WHERE, "
                "e.g. \"Email LIKE '%@example.com'\"."
            )
        where[obj] = text
    rows = []
    if options.get("csv") not in (None, ""):
        rows = read_csv(parse_existing_path("csv", options.get("csv")))
    if rows and where:
        raise OptionError(
            "Option csv cannot be combined with contacts_where, leads_where or "
            "person_accounts_where; use one way to choose the records."
        )
    if not rows and not where:
        raise OptionError(
            "Options csv, contacts_where, leads_where, person_accounts_where: give a csv file "
            "or at least one where condition."
        )
    return PrivacyRequest(
        flags=flags,
        rows=rows,
        where=where,
        dry_run=parse_bool("dry_run", options.get("dry_run"), default=False),
        bulk_threshold=parse_int(
            "bulk_threshold", options.get("bulk_threshold"), default=DEFAULT_BULK_THRESHOLD, minimum=1
        ),
    )


def read_csv(path: Path) -> list[InputRow]:
    """Rows of the request CSV: column email or id (or both), optional object."""
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
            rows = []
            for number, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue
                rows.append(_input_row(path, number, dict(zip(columns, (v.strip() for v in values)))))
    except UnicodeDecodeError:
        raise OptionError(f"Option csv: {path} is not UTF-8 text.") from None
    except csv.Error as exc:
        raise OptionError(f"Option csv: {path} is not a readable CSV file ({exc}).") from None
    if not rows:
        raise OptionError(f"Option csv: {path} has a header but no rows.")
    return rows


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


# ---------------------------------------------------------------------------------------------
# Targets: which field links each object to its Individual, read from the org
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """How one kind of record reaches its Individual."""

    name: str  # Contact, Lead, PersonAccount
    sobject: str  # Contact, Lead, Account
    email_field: str
    lookup: str  # IndividualId / PersonIndividualId
    relationship: str  # Individual / PersonIndividual
    condition: str = ""  # always-on filter (person accounts only)


def resolve_targets(client: OrgClient, names, optional=()) -> dict[str, Target]:
    """Describe the objects and find each one's lookup to Individual (FACTS.md: resolve, do not assume).

    PersonAccount in `optional` is left out quietly where person accounts are off, else it is an error.
    """
    targets = {}
    describes = {}
    for name in names:
        sobject = DESCRIBE_OBJECT[name]
        if sobject not in describes:
            describes[sobject] = client.describe(sobject) or {"fields": []}
        if name == "PersonAccount" and not has_person_accounts(describes[sobject]):
            if name in optional:
                continue
            raise OrgError(
                "Person accounts are not enabled in this org; remove person_accounts_where or the "
                "PersonAccount rows of the csv."
            )
        lookup = individual_lookup(describes[sobject], name)
        if lookup is None:
            raise OrgError(
                f"{sobject} has no lookup to Individual: turn on Data Protection and Privacy "
                "(run deploy_email_privacy_settings) and run again."
            )
        targets[name] = Target(
            name=name,
            sobject=sobject,
            email_field="PersonEmail" if name == "PersonAccount" else "Email",
            lookup=lookup["name"],
            relationship=lookup.get("relationshipName") or lookup["name"][:-2],
            condition="IsPersonAccount = true" if name == "PersonAccount" else "",
        )
    return targets


# ---------------------------------------------------------------------------------------------
# Finding the records
# ---------------------------------------------------------------------------------------------
@dataclass
class Match:
    """One record the request applies to, with its Individual's current flags (None when it has none)."""

    object: str
    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    individual_id: str | None
    flags: dict = field(default_factory=dict)


def soql_string(value: str) -> str:
    """A SOQL string literal: backslash and quote escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _select(target: Target, flag_fields) -> str:
    fields = ["Id", "FirstName", "LastName", target.email_field, target.lookup]
    fields += [f"{target.relationship}.{f}" for f in flag_fields]
    return f"SELECT {', '.join(fields)} FROM {target.sobject}"


def _where(*conditions: str) -> str:
    parts = [c for c in conditions if c]
    if not parts:
        return ""
    return " WHERE " + " AND ".join(f"({c})" if len(parts) > 1 else c for c in parts)


def in_chunks(field_name: str, values, limit: int = MAX_IN_CLAUSE_CHARS):
    """`field IN (...)` conditions, each under `limit` characters, covering all values."""
    chunk, size = [], 0
    for value in values:
        literal = soql_string(value)
        if chunk and size + len(literal) + 2 > limit:
            yield f"{field_name} IN ({', '.join(chunk)})"
            chunk, size = [], 0
        chunk.append(literal)
        size += len(literal) + 2
    if chunk:
        yield f"{field_name} IN ({', '.join(chunk)})"


def _to_bool(value):
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    return True if text == "true" else False if text == "false" else None


def _match(target: Target, record: dict, flag_fields) -> Match:
    """A Match from a REST record (nested relationship) or a Bulk row (`Rel.Field` columns)."""
    related = record.get(target.relationship)
    flags = {}
    for f in flag_fields:
        if isinstance(related, dict):
            flags[f] = _to_bool(related.get(f))
        else:
            flags[f] = _to_bool(record.get(f"{target.relationship}.{f}"))
    return Match(
        object=target.name,
        id=record["Id"],
        first_name=record.get("FirstName") or None,
        last_name=record.get("LastName") or None,
        email=record.get(target.email_field) or None,
        individual_id=record.get(target.lookup) or None,
        flags=flags,
    )


def find_records(client: OrgClient, targets: dict[str, Target], request: PrivacyRequest):
    """Query the matching records. Returns (matches without duplicates, not-found emails and ids).

    Below `bulk_threshold` keys or records per object: REST queries (IN lists in chunks, or the where
    condition, paginated). At or above it: one Bulk API 2.0 query per object, matched here, so the
    number of calls does not grow with the volume (an IN list of 20,000 emails exceeds SOQL's length).
    """
    flag_fields = list(request.flags)
    matches: dict[tuple, Match] = {}

    def add(target, records):
        for record in records:
            m = _match(target, record, flag_fields)
            matches.setdefault((m.object, m.id[:15]), m)

    if request.where:
        for name, condition in request.where.items():
            target = targets[name]
            where = _where(target.condition, condition)
            total = client.count(f"SELECT COUNT() FROM {target.sobject}{where}")
            query = _select(target, flag_fields) + where
            add(target, client.bulk_query(query) if total >= request.bulk_threshold else client.query(query))
        return list(matches.values()), []

    found_emails, found_ids = set(), set()
    for name, target in targets.items():
        emails = sorted({r.email.lower() for r in request.rows if r.email and r.object in (None, name)})
        ids = sorted({r.id for r in request.rows if r.id and not r.email and r.object == name})
        for key_field, keys, found in ((target.email_field, emails, found_emails), ("Id", ids, found_ids)):
            if not keys:
                continue
            if len(keys) >= request.bulk_threshold:
                # One extract of the object's records that have the key, matched here.
                rows = client.bulk_query(
                    _select(target, flag_fields) + _where(target.condition, f"{key_field} != null")
                )
                wanted = set(keys) if key_field != "Id" else {k[:15] for k in keys}
                rows = [r for r in rows if _key(r.get(key_field), key_field) in wanted]
            else:
                rows = []
                for condition in in_chunks(key_field, keys):
                    rows.extend(client.query(_select(target, flag_fields) + _where(target.condition, condition)))
            add(target, rows)
            found.update(_key(r.get(key_field), key_field) for r in rows)
    not_found = []
    for row in request.rows:
        if row.email and row.email.lower() not in found_emails:
            not_found.append(row.email)
        elif not row.email and row.id[:15] not in found_ids:
            not_found.append(row.id)
    return list(matches.values()), sorted(set(not_found), key=not_found.index)


def _key(value, key_field: str):
    if not value:
        return None
    return value[:15] if key_field == "Id" else value.lower()


# ---------------------------------------------------------------------------------------------
# Plan (pure)
# ---------------------------------------------------------------------------------------------
@dataclass
class Plan:
    """What a run changes. Individuals shared by several records appear once."""

    updates: dict = field(default_factory=dict)  # Individual id -> [Match]
    already_set: dict = field(default_factory=dict)  # Individual id -> [Match]
    to_create: list = field(default_factory=list)  # Match without an Individual


def make_plan(matches, flags: dict) -> Plan:
    """Sort the matches into Individuals to update, already set, and records needing a new Individual."""
    plan = Plan()
    for m in matches:
        if not m.individual_id:
            plan.to_create.append(m)
        elif all(m.flags.get(f) == v for f, v in flags.items()):
            plan.already_set.setdefault(m.individual_id, []).append(m)
        else:
            plan.updates.setdefault(m.individual_id, []).append(m)
    return plan


# ---------------------------------------------------------------------------------------------
# Apply
# ---------------------------------------------------------------------------------------------
@dataclass
class Report:
    """The outcome of a run (or, for a dry run, what it would do)."""

    dry_run: bool = False
    matched: int = 0
    created: int = 0
    linked: int = 0
    updated: int = 0
    already_set: int = 0
    not_found: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # {object, id, email, step, error}
    api_calls: int = 0
    api_calls_by_kind: dict = field(default_factory=dict)

    COUNTS = ("matched", "created", "linked", "updated", "already_set", "not_found", "failed")

    def summary_rows(self) -> list[dict]:
        """One row per count, for the table."""
        meanings = {
            "matched": "records the request applies to",
            "created": "Individuals created" + (" (would be)" if self.dry_run else ""),
            "linked": "records linked to a new Individual" + (" (would be)" if self.dry_run else ""),
            "updated": "existing Individuals updated" + (" (would be)" if self.dry_run else ""),
            "already_set": "Individuals already set as asked",
            "not_found": "emails or ids with no record",
            "failed": "records the org refused",
        }
        rows = []
        for name in self.COUNTS:
            value = getattr(self, name)
            rows.append(
                {"what": name, "count": len(value) if isinstance(value, list) else value, "meaning": meanings[name]}
            )
        return rows

    def to_dict(self) -> dict:
        return asdict(self)


def write(client: OrgClient, sobject: str, operation: str, columns, rows, threshold: int) -> list[Outcome]:
    """REST sObject Collections below `threshold` rows, one Bulk API 2.0 job at or above it."""
    if not rows:
        return []
    if len(rows) >= threshold:
        return client.bulk_write(sobject, operation, columns, rows)
    return client.collection_write(sobject, operation, rows)


def _failure(m: Match, step: str, error: str) -> dict:
    return {"object": m.object, "id": m.id, "email": m.email, "step": step, "error": error}


def apply_plan(
    client: OrgClient, plan: Plan, targets: dict[str, Target], request: PrivacyRequest, report: Report
) -> Report:
    """Carry out the plan. A record's failure is reported and never undoes another record's success.

    Order: update existing Individuals; create the missing ones; link each to its record; delete an
    Individual whose link failed, so a re-run creates it again instead of leaving an orphan.
    """
    threshold, flags = request.bulk_threshold, request.flags
    flag_cols = list(flags)
    report.already_set = len(plan.already_set)
    if request.dry_run:
        report.updated = len(plan.updates)
        report.created = report.linked = len(plan.to_create)
        return report

    update_ids = list(plan.updates)
    outcomes = write(
        client, "Individual", "update", ["Id"] + flag_cols, [{"Id": i, **flags} for i in update_ids], threshold
    )
    for outcome in outcomes:
        if outcome.ok:
            report.updated += 1
        else:
            report.failed += [
                _failure(m, "update Individual", outcome.error) for m in plan.updates[update_ids[outcome.index]]
            ]

    create_cols = ["FirstName", "LastName"] + flag_cols
    new_rows = [{"FirstName": m.first_name, "LastName": m.last_name, **flags} for m in plan.to_create]
    created = write(client, "Individual", "insert", create_cols, new_rows, threshold)
    links: dict[str, list] = {}  # sobject -> [(Match, new Individual id)]
    for outcome in created:
        m = plan.to_create[outcome.index]
        if outcome.ok:
            links.setdefault(m.object, []).append((m, outcome.id))
        else:
            report.failed.append(_failure(m, "create Individual", outcome.error))

    orphans = []
    for name, pairs in links.items():
        lookup = targets[name].lookup
        linked = write(
            client,
            targets[name].sobject,
            "update",
            ["Id", lookup],
            [{"Id": m.id, lookup: new_id} for m, new_id in pairs],
            threshold,
        )
        for outcome in linked:
            m, new_id = pairs[outcome.index]
            if outcome.ok:
                report.linked += 1
                report.created += 1
            else:
                report.failed.append(_failure(m, "link Individual", outcome.error))
                orphans.append(new_id)
    if orphans:
        try:
            removed = write(client, "Individual", "delete", ["Id"], [{"Id": i} for i in orphans], threshold)
            left = [orphans[o.index] for o in removed if not o.ok]
        except OrgError as exc:  # the link failures are already reported; say what is left behind
            client.progress(f"Could not remove unlinked Individuals: {exc}")
            left = orphans
        if left:
            client.progress(
                f"{len(left)} Individuals were created but could not be linked or removed: "
                f"{', '.join(left[:10])}{' ...' if len(left) > 10 else ''}"
            )
    return report


def run(client: OrgClient, request: PrivacyRequest) -> Report:
    """The whole job: resolve targets, find records, plan, apply; returns the report."""
    optional = ()
    if request.where:
        names = [n for n in OBJECTS if n in request.where]
    else:
        wanted = {r.object for r in request.rows}
        names = [n for n in OBJECTS if n in wanted or None in wanted]
        if None in wanted and "PersonAccount" not in wanted:
            optional = ("PersonAccount",)  # rows without an object: person accounts only where they are on
    targets = resolve_targets(client, names, optional)
    matches, not_found = find_records(client, targets, request)
    report = Report(dry_run=request.dry_run, matched=len(matches), not_found=not_found)
    plan = make_plan(matches, request.flags)
    client.progress(
        f"{len(matches)} records matched: {len(plan.updates)} Individuals to update, "
        f"{len(plan.to_create)} to create and link, {len(plan.already_set)} already set"
    )
    apply_plan(client, plan, targets, request, report)
    report.api_calls = client.calls
    report.api_calls_by_kind = dict(client.calls_by_kind)
    return report

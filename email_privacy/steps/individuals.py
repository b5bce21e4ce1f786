"""Record Don't Track / Don't Process on the Individuals of contacts, leads and person accounts: parse the request,
resolve each object's lookup from the describe, find the records into the run's on-disk index, apply the writes.
REST below `bulk_threshold`, streamed Bulk API 2.0 from it, so calls and memory stay flat. Email Opt Out is never
read or written.
"""

import tempfile
from dataclasses import dataclass

from email_privacy.api.records import Every, RecordsClient
from email_privacy.errors import OrgError
from email_privacy.metadata.describe import DESCRIBE_OBJECT, has_person_accounts, individual_lookup
from email_privacy.steps.consent_check import ask_consent
from email_privacy.steps.individual_report import Report
from email_privacy.steps.individual_writes import apply
from email_privacy.steps.individuals_request import OBJECTS, PrivacyRequest, parse_request  # noqa: F401 (the operation's inputs)
from email_privacy.steps.match_index import MatchIndex

# docs/salesforce-facts.md, Bulk API 2.0: the URI limit; URL-encoding roughly doubles an email list.
MAX_IN_CLAUSE_CHARS = 6000


@dataclass(frozen=True)
class Target:
    """How one kind of record reaches its Individual."""

    name: str  # Contact, Lead, PersonAccount
    sobject: str  # Contact, Lead, Account
    email_field: str
    lookup: str  # IndividualId / PersonIndividualId
    relationship: str  # Individual / PersonIndividual
    condition: str = ""  # always-on filter (person accounts only)


def resolve_targets(client: RecordsClient, names, optional=()) -> dict[str, Target]:
    """Each object's lookup to Individual, from the describe (docs/salesforce-facts.md, Fields); PersonAccount in
    `optional` is left out quietly where person accounts are off."""
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


def soql_string(value: str) -> str:
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


def _key(value, key_field: str):
    if not value:
        return None
    return value[:15] if key_field == "Id" else value.lower()


def record_row(target: Target, record: dict, flags: dict, key_field: str | None = None) -> tuple:
    """(key, MATCH_COLUMNS...) from a REST record (nested relationship) or a Bulk row (`Rel.Field` columns)."""
    related = record.get(target.relationship)
    is_set = True
    for name, wanted in flags.items():
        value = related.get(name) if isinstance(related, dict) else record.get(f"{target.relationship}.{name}")
        is_set = is_set and _to_bool(value) == wanted
    rid = record["Id"]
    return (
        _key(record.get(key_field), key_field) if key_field else None,
        target.name,
        rid[:15],
        rid,
        record.get("FirstName") or None,
        record.get("LastName") or None,
        record.get(target.email_field) or None,
        record.get(target.lookup) or None,
        int(is_set),
    )


def find_records(client: RecordsClient, targets: dict[str, Target], request: PrivacyRequest, index: MatchIndex):
    """From `bulk_threshold` on, one Bulk query per object matched in the index: an IN list of 20,000 emails
    would exceed SOQL's length."""
    flags, tick = request.flags, Every(client.progress)

    def rows(target, records, key_field=None):
        for record in records:
            yield record_row(target, record, flags, key_field)

    def add(target, records, key_field=None, kind=None):
        def on_batch(read, matched):
            tick(f"{target.name}: {read} records read, {matched} matched")

        index.add_records(rows(target, records, key_field), target.name if kind else None, kind, on_batch)

    if request.where:
        for name, condition in request.where.items():
            target = targets[name]
            where = _where(target.condition, condition)
            total = client.count(f"SELECT COUNT() FROM {target.sobject}{where}")
            query = _select(target, flags) + where
            add(target, client.bulk_query(query) if total >= request.bulk_threshold else client.query(query))
        return

    read = index.add_requests(request.rows(), on_batch=lambda n: tick(f"Requests: {n} rows read"))
    client.progress(f"Requests: {read} rows read")
    for name, target in targets.items():
        index.want(name)
        for kind, key_field in (("email", target.email_field), ("id", "Id")):
            count = index.wanted_count(name, kind)
            if not count:
                continue
            if count >= request.bulk_threshold:
                # One extract of the object's records that have the key, matched in the index.
                records = client.bulk_query(_select(target, flags) + _where(target.condition, f"{key_field} != null"))
                add(target, records, key_field, kind)
            else:
                for condition in in_chunks(key_field, index.wanted_keys(name, kind)):
                    records = client.query(_select(target, flags) + _where(target.condition, condition))
                    add(target, records, key_field, kind)
            client.progress(f"{name}: {count} {kind}s looked up, {index.matched()} records matched so far")


def target_names(request: PrivacyRequest) -> tuple[list[str], tuple]:
    """The objects to search, and those left out quietly where the org lacks them."""
    if request.where:
        return [n for n in OBJECTS if n in request.where], ()
    wanted = request.csv_objects
    names = [n for n in OBJECTS if n in wanted or None in wanted]
    # Rows without an object: person accounts only where they are on.
    optional = ("PersonAccount",) if None in wanted and "PersonAccount" not in wanted else ()
    return names, optional


def run(client: RecordsClient, request: PrivacyRequest, lists_stem=None) -> Report:
    """Long lists go to CSV files named after `lists_stem`."""
    names, optional = target_names(request)
    return run_targets(client, resolve_targets(client, names, optional), request, lists_stem)


def run_targets(client: RecordsClient, targets: dict[str, Target], request: PrivacyRequest, lists_stem=None) -> Report:
    """find -> plan -> apply over targets already resolved; the report."""
    with tempfile.TemporaryDirectory(prefix="individual-privacy-") as folder:
        index = MatchIndex(folder)
        try:
            find_records(client, targets, request, index)
            report = Report(dry_run=request.dry_run, matched=index.matched())
            client.progress(
                f"{report.matched} records matched: {index.count_to_update()} Individuals to update, "
                f"{index.count_to_create()} to create and link, {index.count_already_set()} already set"
            )
            apply(client, index, targets, request, report, folder)
            report.set_lists(index.not_found(), index.failed(), lists_stem)
            if request.flags and request.confirm and not request.dry_run:
                report.consent = ask_consent(client, index.confirmable(), request.flags)
        finally:
            index.close()
    report.api_calls = client.calls
    report.api_calls_by_kind = dict(client.calls_by_kind)
    return report

"""Give every Contact, Lead and person account without an Individual a new one, linked.

Salesforce does not create Individual records (docs/salesforce-facts.md, "Individual"): a rep who opens
a contact without one finds nothing to tick. This runs set_individual_privacy's own path with no flag to
write: the records are chosen by `<lookup> = null` (and an optional SOQL condition per object), and each
gets an Individual named after it (FirstName, LastName) and is linked through its lookup. So the
streaming Bulk API 2.0 reads and writes, the report, the retries and the partial-failure handling are
the same ones, and a run that finished leaves nothing for the next run to do.

Email Opt Out is never read or written: the query selects only names, email and the lookup.
"""

from email_privacy.salesforce.describe import field_names

from ..org.records_client import RecordsClient
from .individual_report import Report
from .individuals import resolve_targets, run_targets
from .individuals_request import OBJECTS, PrivacyRequest, parse_run_options, parse_where


def parse_options(options: dict) -> PrivacyRequest:
    """The task's options checked before any call: the conditions per object (none: every record)."""
    return PrivacyRequest(flags={}, where=parse_where(options), **parse_run_options(options))


def conditions(targets: dict, request: PrivacyRequest, person_accounts: bool) -> dict[str, str]:
    """{object: SOQL condition} choosing the records that lack an Individual.

    A converted lead cannot be updated (Salesforce: CANNOT_UPDATE_CONVERTED_LEAD), so converted leads are
    left out; where person accounts are on, a person account's contact is reached through its account.
    """
    out = {}
    for name, target in targets.items():
        parts = [f"{target.lookup} = null"]
        if name == "Lead":
            parts.append("IsConverted = false")
        if name == "Contact" and person_accounts:
            parts.append("IsPersonAccount = false")
        if request.where.get(name):
            parts.append(f"({request.where[name]})")
        out[name] = " AND ".join(parts)
    return out


def run(client: RecordsClient, request: PrivacyRequest, lists_stem=None) -> Report:
    """Find the records without an Individual, create and link one for each; the report.

    Without conditions: every object (person accounts only where they are on); with conditions: the
    objects they name, only the records they select.
    """
    names = [n for n in OBJECTS if n in request.where] if request.where else list(OBJECTS)
    optional = () if "PersonAccount" in request.where else ("PersonAccount",)
    targets = resolve_targets(client, names, optional)
    person_accounts = "PersonAccount" in targets
    if "Contact" in targets and not person_accounts and "PersonAccount" not in names:
        person_accounts = "IsPersonAccount" in field_names(client.describe("Contact") or {})
    chosen = PrivacyRequest(
        flags={},
        where=conditions(targets, request, person_accounts),
        dry_run=request.dry_run,
        bulk_threshold=request.bulk_threshold,
        upload_limit=request.upload_limit,
    )
    return run_targets(client, targets, chosen, lists_stem)

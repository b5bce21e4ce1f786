"""Give every Contact, Lead and person account without an Individual a linked new one, since Salesforce does not
(docs/salesforce-facts.md, Individual); set_individual_privacy's own path with no flag to write."""

from email_privacy.api.records import RecordsClient
from email_privacy.metadata.describe import field_names
from email_privacy.steps.individual_report import Report
from email_privacy.steps.individuals import resolve_targets, run_targets
from email_privacy.steps.individuals_request import OBJECTS, PrivacyRequest, parse_run_options, parse_where


def parse_options(options: dict) -> PrivacyRequest:
    """The task's options checked before any call: the conditions per object (none: every record)."""
    return PrivacyRequest(flags={}, where=parse_where(options), **parse_run_options(options))


def conditions(targets: dict, request: PrivacyRequest, person_accounts: bool) -> dict[str, str]:
    """Converted leads are left out: they cannot be updated (docs/salesforce-facts.md, Individual)."""
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

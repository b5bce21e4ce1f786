"""Prerequisites, judged before anything changes by pure functions over what was read
(docs/salesforce-facts.md, What the feature needs)."""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from email_privacy.errors import OrgError
from email_privacy.metadata.layouts import INDIVIDUAL_OBJECT
from email_privacy.metadata.settings import CONSENT
from email_privacy.options.settings import SettingsOptions
from email_privacy.reports.tables import log_table
from email_privacy.steps import read as org_read
from email_privacy.steps.verdict import Row, Verdict, target_objects, verdict

OK, CHANGE, WARN, FAIL, INFO = "OK", "WILL CHANGE", "WARNING", "FAIL", "INFO"


@dataclass(frozen=True)
class Check:
    item: str
    state: str
    verdict: str
    action: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Edition:
    name: str
    supported: bool
    source: str


# docs/salesforce-facts.md, What the feature needs: OrganizationType values; unverified ones are left out, so
# they fail unless allow_unknown_edition.
EDITIONS: dict[str, Edition] = {
    "Developer Edition": Edition("Developer", True, "Organization object reference; Help: Required Editions"),
    "Professional Edition": Edition("Professional", True, "Organization object reference; Help: Required Editions"),
    "Enterprise Edition": Edition("Enterprise", True, "Organization object reference; Help: Required Editions"),
    "Unlimited Edition": Edition(
        "Unlimited (or Performance)", True, "Organization object reference; Help: Required Editions"
    ),
    "Team Edition": Edition("Group", False, "Organization object reference: Team Edition is Group Edition"),
    "Personal Edition": Edition("Personal", False, "Organization object reference; not in Help's Required Editions"),
    "Contact Manager Edition": Edition(
        "Contact Manager", False, "Organization object reference; not in Help's Required Editions"
    ),
    "Base Edition": Edition("Base", False, "Organization object reference; not in Help's Required Editions"),
}
SUPPORTED_EDITIONS = "Essentials, Professional, Enterprise, Performance, Unlimited or Developer"

# docs/salesforce-facts.md, What the feature needs: UserPermissionAccess.
PERMISSION_QUERY = (
    "SELECT PermissionsCustomizeApplication, PermissionsModifyAllData, "
    "PermissionsModifyMetadata, PermissionsApiEnabled FROM UserPermissionAccess"
)
ORGANIZATION_FIELDS = ("OrganizationType", "IsSandbox", "TrialExpirationDate", "Name")


def org_kind(is_sandbox, trial_expiration) -> str:
    """'scratch org', 'sandbox', 'trial' or 'production', from Organization.IsSandbox and TrialExpirationDate."""
    if is_sandbox:
        return "scratch org" if trial_expiration else "sandbox"
    return "trial" if trial_expiration else "production"


def check_edition(org_type, kind: str, allow_unknown: bool = False) -> Check:
    item = "Edition"
    found = f"{org_type or 'unknown'} ({kind})"
    edition = EDITIONS.get(org_type or "")
    if edition is None:
        if allow_unknown:
            return Check(
                item,
                found,
                WARN,
                f"OrganizationType {org_type!r} is not one this project knows; "
                "going on because allow_unknown_edition is true.",
            )
        return Check(
            item,
            found,
            FAIL,
            f"OrganizationType {org_type!r} is not one this project knows "
            f"(the feature needs {SUPPORTED_EDITIONS} Edition); "
            "if this org is one of those, run again with allow_unknown_edition true.",
        )
    if not edition.supported:
        return Check(
            item,
            f"{edition.name} Edition ({org_type}, {kind})",
            FAIL,
            f"{edition.name} Edition cannot honour individual email-tracking preferences; "
            f"it needs {SUPPORTED_EDITIONS} Edition.",
        )
    return Check(item, f"{edition.name} Edition ({kind})", OK, "Nothing to do.")


def check_permissions(row: Mapping) -> list[Check]:

    def has(name):
        return bool(row.get(name))

    checks = []
    if has("PermissionsCustomizeApplication"):
        checks.append(Check("Permission: Customize Application", "granted", OK, "Nothing to do."))
    else:
        checks.append(
            Check(
                "Permission: Customize Application",
                "missing",
                FAIL,
                "Give the running user Customize Application (a permission set or the profile), then run again.",
            )
        )
    if has("PermissionsModifyAllData") or has("PermissionsModifyMetadata"):
        which = (
            "Modify All Data" if has("PermissionsModifyAllData") else "Modify Metadata Through Metadata API Functions"
        )
        checks.append(Check("Permission: deploy metadata", f"granted ({which})", OK, "Nothing to do."))
    else:
        checks.append(
            Check(
                "Permission: deploy metadata",
                "missing",
                FAIL,
                "Give the running user Modify All Data or Modify Metadata Through Metadata API Functions, "
                "then run again.",
            )
        )
    if has("PermissionsApiEnabled"):
        checks.append(Check("Permission: API Enabled", "granted", OK, "Nothing to do."))
    else:
        checks.append(
            Check("Permission: API Enabled", "missing", FAIL, "Give the running user API Enabled, then run again.")
        )
    return checks


def check_person_accounts(enabled: bool) -> Check:
    """Person accounts decide whether PersonAccount layouts are in scope."""
    if enabled:
        return Check("Person accounts", "on", INFO, "Person Account layouts get the Individual field too.")
    return Check("Person accounts", "off", INFO, "Only Contact and Lead layouts are in scope.")


def check_lightning(lightning_on, enhanced_email: str = "auto") -> Check:
    """Lightning Experience decides whether Enhanced Email is required under enhanced_email: auto."""
    state = {True: "on", False: "off", None: "unknown"}[lightning_on]
    if enhanced_email == "auto":
        if lightning_on is None:
            return Check(
                "Lightning Experience",
                state,
                WARN,
                "Could not read it, so Enhanced Email counts as required; set enhanced_email true or false to decide.",
            )
        return Check(
            "Lightning Experience",
            state,
            INFO,
            "Enhanced Email is required." if lightning_on else "Enhanced Email is not required (Salesforce Classic).",
        )
    return Check(
        "Lightning Experience", state, INFO, f"enhanced_email is {enhanced_email}: Lightning does not decide it."
    )


def check_settings(rows: Iterable[Row]) -> list[Check]:
    """The verdict's setting rows as checks: on, turned on by the settings step, or not required and left alone."""
    checks = []
    for row in rows:
        if row.state == "on":
            checks.append(Check(row.name, row.state, OK, "Already on."))
        elif row.required:
            checks.append(Check(row.name, row.state, CHANGE, "deploy_email_privacy_settings turns it on."))
        else:
            checks.append(Check(row.name, row.state, INFO, "Not required with these options; left as it is."))
    return checks


def failures(checks) -> list[Check]:
    return [c for c in checks if c.verdict == FAIL]


def raise_on_failures(checks) -> None:
    failed = failures(checks)
    if failed:
        parts = "; ".join(f"{c.item}: {c.state}. {c.action}" for c in failed)
        raise OrgError(f"The org cannot be configured, nothing was changed. {parts}")


CHECK_COLUMNS = (("item", "Item"), ("state", "Found"), ("verdict", "Verdict"), ("action", "What to do"))


@dataclass
class PrerequisitesOptions:
    settings: SettingsOptions
    objects: list[str]
    permission_sets: list[str]
    allow_unknown_edition: bool = False
    dry_run: bool = False
    pages: bool = True  # also read and classify the Lightning record pages of Contact, Lead and Account
    individual: bool = True  # also Individual's own layouts and pages (Don't Track / Don't Process)


@dataclass
class PrerequisitesResult:
    """What the flow's later steps read from step 1: the read of the org (org_state) and every choice."""

    values: dict

    def return_values(self) -> dict:
        return dict(self.values)


def check_pages(read: org_read.OrgRead, judged: Verdict) -> list[Check]:
    """A check per record page the read kept, from the verdict's page rows."""
    out = []
    for row in (r for r in judged.rows if r.kind == "Page"):
        page = read.pages[row.name].page
        verdict_text = (CHANGE if not row.ok else OK) if row.required else INFO
        gets = " and ".join(f"Record.{f}" for f in judged.fields[row.object]) if verdict_text == CHANGE else ""
        action = f"gets {gets}" if verdict_text == CHANGE else page.reason
        out.append(Check(f"Lightning page {row.name} ({page.sobject_type})", page.kind, verdict_text, action))
    return out


def _edition_and_permissions(org, options: PrerequisitesOptions, log):
    """Raises before any metadata is read: a user without these rights may not even be allowed to read it."""
    record = org.rest.organization(ORGANIZATION_FIELDS)
    kind = org_kind(record.get("IsSandbox"), record.get("TrialExpirationDate"))
    checks = [check_edition(record.get("OrganizationType"), kind, options.allow_unknown_edition)]
    rows = org.rest.query(PERMISSION_QUERY)
    if not rows:
        raise OrgError("UserPermissionAccess returned no row for the running user; cannot check permissions.")
    checks += check_permissions(rows[0])
    if failures(checks):
        log_table(log, "Email privacy prerequisites", CHECK_COLUMNS, [c.as_dict() for c in checks])
        raise_on_failures(checks)
    return record, kind, checks


def _log_verdict(log, already: bool, dry_run: bool) -> None:
    if already:
        log.info(
            "The org is already configured: every setting is on and every target layout has the Individual field; "
            "the following steps deploy nothing."
        )
    else:
        log.info(
            "The org can take the configuration." + (" Dry run: the following steps change nothing." if dry_run else "")
        )


def check_prerequisites(org, options: PrerequisitesOptions, log) -> PrerequisitesResult:
    """Check the org can take the configuration and read it once, for the flow's later steps to reuse."""
    record, kind, checks = _edition_and_permissions(org, options, log)
    person_accounts = org.rest.person_accounts_enabled()
    objects = target_objects(options.objects, person_accounts, log)
    # Individual's own layouts and pages come in the same listMetadata and retrieve (no extra round trip).
    read_objects = [*objects, INDIVIDUAL_OBJECT] if options.individual else objects
    read = org_read.read_org(org.metadata, read_objects, permission_sets=options.permission_sets, pages=options.pages)
    if read.settings.get(CONSENT[0], {}).get(CONSENT[1]) is True:
        # The lookups exist only while Data Protection and Privacy is on; before, the layouts step asks.
        read.individual_fields = org_read.lookup_names(org.rest, objects)
    lightning = read.lightning_on
    judged = verdict(read, read_objects, options.settings)
    checks.append(check_person_accounts(person_accounts))
    checks.append(check_lightning(lightning, options.settings.enhanced_email))
    checks += check_settings(r for r in judged.rows if r.kind == "Setting")
    checks += check_pages(read, judged)
    log_table(log, "Email privacy prerequisites", CHECK_COLUMNS, [c.as_dict() for c in checks])
    raise_on_failures(checks)
    _log_verdict(log, judged.configured, options.dry_run)
    values = {
        "org_state": read,  # the flow's option name (cumulusci.yml, consumer flows): the read, OrgRead
        "already_configured": judged.configured,
        "dry_run": options.dry_run,
        "enhanced_email": options.settings.enhanced_email,
        "email_tracking": options.settings.email_tracking,
        "objects": objects,
        "pages": options.pages,
        "individual": options.individual,
        "person_accounts": person_accounts,
        "lightning": lightning,
        "edition": record.get("OrganizationType"),
        "org_kind": kind,
        "settings": {f"{t}.{f}": v for t, fields in read.settings.items() for f, v in fields.items()},
        "checks": [c.as_dict() for c in checks],
    }
    return PrerequisitesResult(values)

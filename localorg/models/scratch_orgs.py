"""Scratch orgs made by a Dev Hub: creating a ScratchOrgInfo creates the org, deleting its ActiveScratchOrg
deletes it (Object Reference: ScratchOrgInfo, ActiveScratchOrg; docs/salesforce-facts.md, "Salesforce's own
CLI (sf) and scratch orgs").

The new org is seeded from the definition: Edition, Features (PersonAccounts), OrgName, Username, AdminEmail,
DurationDays. Its settings start at the org's defaults; the definition's `settings` never reach the Dev Hub
(the sf CLI deploys them to the new org itself). What the local org does not model is refused, in one line
naming what is allowed, and nothing is created.
"""

import secrets
from datetime import date, timedelta

from localorg.exceptions import RecordError, SalesforceError
from localorg.models.identity import OrgIdentity
from localorg.models.ids import normalize_id

# Scratch-org editions the local org models, as Organization.OrganizationType names them.
EDITIONS = {"developer": "Developer Edition", "enterprise": "Enterprise Edition"}
FEATURES = {"personaccounts": "PersonAccounts"}
# Definition keys the local org cannot honour; each would need org shapes it does not have.
UNMODELLED = ("Snapshot", "SourceOrg", "Template", "Namespace", "Release")
MAX_DAYS, DEFAULT_DAYS = 30, 7


def _refuse(message: str, error_code: str = "INVALID_INPUT", fields=()) -> RecordError:
    return RecordError(error_code, message, list(fields))


def _features(value) -> list[str]:
    if not isinstance(value, str):
        return []
    return [f.strip() for f in value.split(";") if f.strip()]


def check_definition(given: dict) -> None:
    """Refuse (RecordError) what the local org does not model; given has lower-case keys."""
    for name in UNMODELLED:
        if given.get(name.lower()) not in (None, ""):
            raise _refuse(f"{name}: the local Dev Hub does not model it; leave it out of the definition", fields=[name])
    if given.get("hassampledata") is True:
        raise _refuse("HasSampleData: the local Dev Hub creates orgs without sample data; set it to false")
    edition = given.get("edition")
    if not isinstance(edition, str) or not edition.strip():
        raise _refuse("Required fields are missing: [Edition]", "REQUIRED_FIELD_MISSING", ["Edition"])
    if edition.strip().lower() not in EDITIONS:
        allowed = ", ".join(e.capitalize() for e in EDITIONS)
        raise _refuse(f"Edition: the local Dev Hub models {allowed}, not {edition!r}", fields=["Edition"])
    if given.get("features") is not None and not isinstance(given["features"], str):
        raise _refuse("Features: a semicolon-separated string, e.g. 'PersonAccounts'", fields=["Features"])
    for feature in _features(given.get("features")):
        if feature.lower() not in FEATURES:
            raise _refuse(
                f"Features: the local Dev Hub models {', '.join(FEATURES.values())}, not {feature!r}",
                fields=["Features"],
            )
    days = given.get("durationdays", DEFAULT_DAYS)
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS):
        raise _refuse(f"DurationDays: a whole number from 1 to {MAX_DAYS}, not {days!r}", fields=["DurationDays"])
    username = given.get("username")
    if username and (not isinstance(username, str) or "@" not in username):
        raise _refuse(f"Username: must look like an email address, not {username!r}", fields=["Username"])


def create_scratch_org(hub, body: dict) -> str:
    """The ScratchOrgInfo record (Status New, then Active) and the org it asks for; returns the record's id."""
    given = {str(k).lower(): v for k, v in body.items()}
    check_definition(given)
    username = (given.get("username") or f"test-{secrets.token_hex(6)}@example.com").lower()
    if hub.orgs.username_taken(username):
        raise _refuse(f"Username: {username} is already in use", "DUPLICATE_USERNAME", ["Username"])
    info_id = hub.records.create("ScratchOrgInfo", body, hub.visibility, owner=hub.identity.user_id)
    expires = (date.today() + timedelta(days=given.get("durationdays") or DEFAULT_DAYS)).isoformat()
    features = _features(given.get("features"))
    identity = OrgIdentity(
        username=username,
        edition=EDITIONS[given["edition"].strip().lower()],
        person_accounts=any(f.lower() == "personaccounts" for f in features),
        is_sandbox=True,
        trial_expiration=expires,
        source_tracking=True,
        org_name=given.get("orgname") or "Scratch Org",
    )
    hub.records.set_system_fields("ScratchOrgInfo", info_id, {"Status": "New", "SignupUsername": username})
    scratch = hub.orgs.create_scratch(identity)
    code = scratch.sessions.issue_code(
        given.get("connectedappconsumerkey") or "", given.get("connectedappcallbackurl") or ""
    )
    signup_email = given.get("adminemail") or "admin@example.com"
    hub.records.set_system_fields(
        "ScratchOrgInfo",
        info_id,
        {
            "Status": "Active",
            "ScratchOrg": identity.org_id[:15],
            "SignupEmail": signup_email,
            "SignupInstance": None,  # sf then sends the code grant to LoginUrl, the local org itself
            "LoginUrl": scratch.base_url,
            "AuthCode": code,
            "ExpirationDate": expires,
            "CreatedById": hub.identity.user_id,
        },
    )
    active = {
        "OrgName": identity.org_name,
        "Edition": given["edition"].strip(),
        "Features": ";".join(features) or None,
        "HasSampleData": 0,
        "ScratchOrg": identity.org_id[:15],
        "ScratchOrgInfoId": info_id,
        "SignupEmail": signup_email,
        "SignupUsername": username,
        "ExpirationDate": expires,
        "CreatedById": hub.identity.user_id,
        "OwnerId": hub.identity.user_id,
    }
    hub.records.insert_raw("ActiveScratchOrg", [active])
    return info_id


def delete_scratch_org(hub, active_id: str) -> None:
    """The scratch org of this ActiveScratchOrg is deleted; its ScratchOrgInfo moves to Deleted."""
    full = normalize_id(active_id)
    row = hub.records.get("ActiveScratchOrg", full) if full else None
    if row is None:
        raise SalesforceError("entity is deleted", "ENTITY_IS_DELETED", 404)
    hub.orgs.delete_scratch(row["ScratchOrg"])
    hub.records.delete_many("ActiveScratchOrg", [full])
    hub.records.set_system_fields(
        "ScratchOrgInfo",
        row["ScratchOrgInfoId"],
        {"Status": "Deleted", "DeletedDate": date.today().isoformat(), "AuthCode": None},
    )

"""The Dev Hub side of scratch orgs: creating a ScratchOrgInfo creates the org, deleting its ActiveScratchOrg
deletes it (Object Reference: ScratchOrgInfo, ActiveScratchOrg; docs/salesforce-facts.md, "Salesforce's own
CLI (sf) and scratch orgs").

The new org is seeded from the create body: Edition, Features (PersonAccounts), OrgName, Username, AdminEmail,
DurationDays. Its settings start at the org's defaults; the definition's `settings` never reach the Dev Hub
(the sf CLI deploys them to the new org itself). What the local org does not model is refused on the create,
in one line naming what is allowed, and nothing is created.
"""

import json
import secrets
from datetime import date, timedelta

from ..exceptions import NotFound
from ..http import Request, Response, rest_error
from ..models.identity import OrgIdentity
from ..models.ids import normalize_id
from .rest import create_record

# Scratch-org editions the local org models, as Organization.OrganizationType names them.
EDITIONS = {"developer": "Developer Edition", "enterprise": "Enterprise Edition"}
FEATURES = {"personaccounts": "PersonAccounts"}
# Definition keys the local org cannot honour; each would need org shapes it does not have.
UNMODELLED = ("Snapshot", "SourceOrg", "Template", "Namespace", "Release")
MAX_DAYS, DEFAULT_DAYS = 30, 7


def _refuse(message: str, error_code: str = "INVALID_INPUT", fields=()) -> Response:
    return Response.json([{"message": message, "errorCode": error_code, "fields": list(fields)}], status=400)


def _definition_problem(body: dict) -> Response | None:
    """A refusal for what the local org does not model, or None."""
    given = {str(k).lower(): v for k, v in body.items()}
    for name in UNMODELLED:
        if given.get(name.lower()) not in (None, ""):
            return _refuse(
                f"{name}: the local Dev Hub does not model it; leave it out of the definition", fields=[name]
            )
    if given.get("hassampledata") is True:
        return _refuse("HasSampleData: the local Dev Hub creates orgs without sample data; set it to false")
    edition = given.get("edition")
    if not isinstance(edition, str) or not edition.strip():
        return _refuse("Required fields are missing: [Edition]", "REQUIRED_FIELD_MISSING", ["Edition"])
    if edition.strip().lower() not in EDITIONS:
        allowed = ", ".join(e.capitalize() for e in EDITIONS)
        return _refuse(f"Edition: the local Dev Hub models {allowed}, not {edition!r}", fields=["Edition"])
    if given.get("features") is not None and not isinstance(given["features"], str):
        return _refuse("Features: a semicolon-separated string, e.g. 'PersonAccounts'", fields=["Features"])
    for feature in _features(given.get("features")):
        if feature.lower() not in FEATURES:
            return _refuse(
                f"Features: the local Dev Hub models {', '.join(FEATURES.values())}, not {feature!r}",
                fields=["Features"],
            )
    days = given.get("durationdays", DEFAULT_DAYS)
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS):
        return _refuse(f"DurationDays: a whole number from 1 to {MAX_DAYS}, not {days!r}", fields=["DurationDays"])
    username = given.get("username")
    if username and (not isinstance(username, str) or "@" not in username):
        return _refuse(f"Username: must look like an email address, not {username!r}", fields=["Username"])
    return None


def _features(value) -> list[str]:
    if not isinstance(value, str):
        return []
    return [f.strip() for f in value.split(";") if f.strip()]


def create_scratch_org_info(org, request: Request, version: str) -> Response:
    """POST sobjects/ScratchOrgInfo on a Dev Hub: the record, then the org it asks for (Status Active)."""
    if not org.identity.dev_hub or org.orgs is None:
        return create_record(org, request, version, "ScratchOrgInfo")  # answers as for any unknown object
    try:
        body = request.json()
    except ValueError:
        return rest_error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON")
    if not isinstance(body, dict):
        return rest_error(400, "JSON_PARSER_ERROR", "Record must be a JSON object")
    if bad := _definition_problem(body):
        return bad
    given = {str(k).lower(): v for k, v in body.items()}
    username = (given.get("username") or f"test-{secrets.token_hex(6)}@example.com").lower()
    if org.orgs.username_taken(username):
        return _refuse(f"Username: {username} is already in use", "DUPLICATE_USERNAME", ["Username"])
    response = create_record(org, request, version, "ScratchOrgInfo")  # validates every column as Salesforce
    if response.status != 201:
        return response
    info_id = json.loads(response.body)["id"]
    days = given.get("durationdays") or DEFAULT_DAYS
    expires = (date.today() + timedelta(days=days)).isoformat()
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
    org.records.set_system_fields("ScratchOrgInfo", info_id, {"Status": "New", "SignupUsername": username})
    scratch = org.orgs.create_scratch(identity)
    code = scratch.sessions.issue_code(
        given.get("connectedappconsumerkey") or "", given.get("connectedappcallbackurl") or ""
    )
    signup_email = given.get("adminemail") or "admin@example.com"
    org.records.set_system_fields(
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
            "CreatedById": org.identity.user_id,
        },
    )
    org.records.insert_raw(
        "ActiveScratchOrg",
        [
            {
                "OrgName": identity.org_name,
                "Edition": given["edition"].strip(),
                "Features": ";".join(features) or None,
                "HasSampleData": 0,
                "ScratchOrg": identity.org_id[:15],
                "ScratchOrgInfoId": info_id,
                "SignupEmail": signup_email,
                "SignupUsername": username,
                "ExpirationDate": expires,
                "CreatedById": org.identity.user_id,
                "OwnerId": org.identity.user_id,
            }
        ],
    )
    return response


def delete_active_scratch_org(org, request: Request, version: str, record_id: str) -> Response:
    """DELETE sobjects/ActiveScratchOrg/<id>: the scratch org is deleted, its ScratchOrgInfo moves to Deleted."""
    if not org.visibility.object_exists("ActiveScratchOrg"):
        raise NotFound()
    full = normalize_id(record_id)
    row = org.records.get("ActiveScratchOrg", full) if full else None
    if row is None:
        return rest_error(404, "ENTITY_IS_DELETED", "entity is deleted")
    org.orgs.delete_scratch(row["ScratchOrg"])
    org.records.delete_many("ActiveScratchOrg", [full])
    org.records.set_system_fields(
        "ScratchOrgInfo",
        row["ScratchOrgInfoId"],
        {"Status": "Deleted", "DeletedDate": date.today().isoformat(), "AuthCode": None},
    )
    return Response(status=204, body=b"")


def update_source_member(org, request: Request, version: str, record_id: str) -> Response:
    """PATCH tooling/sobjects/SourceMember/<id>: the sf CLI zeroes RevisionCounter after its settings deploy."""
    members = org.metadata.source_members
    if members is None:
        raise NotFound()
    try:
        body = request.json()
    except ValueError:
        return rest_error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON")
    if not isinstance(body, dict) or set(body) - {"attributes", "RevisionCounter"}:
        return _refuse(
            "SourceMember: only RevisionCounter can be updated", "INVALID_FIELD_FOR_INSERT_UPDATE", ["RevisionCounter"]
        )
    value = body.get("RevisionCounter")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return _refuse(f"RevisionCounter: a whole number from 0, not {value!r}", fields=["RevisionCounter"])
    if not members.set_revision_counter(record_id, value):
        raise NotFound()
    return Response(status=204, body=b"")

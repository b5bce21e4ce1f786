"""The Dev Hub's REST side of scratch orgs (models/scratch_orgs.py owns what creating and deleting one does)
and the SourceMember update the sf CLI sends to a scratch org."""

from localorg.exceptions import NotFound, RecordError
from localorg.http import Request, Response, rest_error
from localorg.models import scratch_orgs
from localorg.responses.rest import create_record


def _refusal(e: RecordError) -> Response:
    return Response.json([{"message": e.message, "errorCode": e.error_code, "fields": e.fields}], status=400)


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
    try:
        info_id = scratch_orgs.create_scratch_org(org, body)
    except RecordError as e:
        return _refusal(e)
    return Response.json({"id": info_id, "success": True, "errors": []}, status=201)


def delete_active_scratch_org(org, request: Request, version: str, record_id: str) -> Response:
    """DELETE sobjects/ActiveScratchOrg/<id>: the scratch org is deleted, its ScratchOrgInfo moves to Deleted."""
    if not org.visibility.object_exists("ActiveScratchOrg"):
        raise NotFound()
    scratch_orgs.delete_scratch_org(org, record_id)
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
        return _refusal(
            RecordError(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                "SourceMember: only RevisionCounter can be updated",
                ["RevisionCounter"],
            )
        )
    value = body.get("RevisionCounter")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return _refusal(
            RecordError("INVALID_INPUT", f"RevisionCounter: a whole number from 0, not {value!r}", ["RevisionCounter"])
        )
    if not members.set_revision_counter(record_id, value):
        raise NotFound()
    return Response(status=204, body=b"")

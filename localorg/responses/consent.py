"""The Consent API: GET consent/action/<action> and consent/multiaction (REST API Developer Guide,
"Compile Consent Settings"; docs/salesforce-facts.md, "Consent API"). The answer is models/consent.py's."""

from localorg.http import Request, Response, rest_error
from localorg.models.consent import ACTION_FIELDS, answer
from localorg.responses.refusals import NOT_MODELLED

# Actions Salesforce has whose consulted fields are not Individual flags (Contact Point Type Consent, Email
# Opt Out, phone and fax opt-outs...): the local org does not compute them.
ALL_ACTIONS = ("email", "fax", "geotrack", "phone", "portability", "process", "profile", "shouldForget",
               "solicit", "storePiiElsewhere", "track")  # fmt: skip


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _answer(org, request: Request, actions: list[str]) -> Response:
    if not org.visibility.object_exists("Individual"):
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
    ids = _split(request.param("ids"))
    if not ids:
        return rest_error(400, "INVALID_INPUT", "ids: give a comma-separated list of record ids or email addresses")
    for action in actions:
        if action not in ALL_ACTIONS:
            return rest_error(
                400, "INVALID_INPUT", f"{action} is not a consent action; use one of {', '.join(ALL_ACTIONS)}"
            )
        if action not in ACTION_FIELDS:
            return rest_error(
                501, NOT_MODELLED, f"The local org computes the Consent API's track and process only, not {action}"
            )
    for name in ("aggregatedConsent", "datetime", "policy", "purpose"):
        if request.param(name) not in (None, ""):
            return rest_error(501, NOT_MODELLED, f"The local org does not model the Consent API's {name} parameter")
    perms = org.identity.customize_application  # View All Data comes with the admin's permissions here
    if not perms:
        return rest_error(
            501,
            NOT_MODELLED,
            "The local org does not model the Consent API's answer to a user without View All Data or "
            "Allow User Access to Privacy Data",
        )
    verbose = (request.param("verbose") or "").lower() == "true"
    return Response.json(answer(org.records, ids, actions, verbose))


def action(org, request: Request, version: str, action: str) -> Response:
    """GET consent/action/<action>?ids=...: one action's answer per id or email."""
    return _answer(org, request, [action])


def multiaction(org, request: Request, version: str) -> Response:
    """GET consent/multiaction?actions=...&ids=...: several actions' answers per id or email."""
    actions = _split(request.param("actions"))
    if not actions:
        return rest_error(400, "INVALID_INPUT", "actions: give a comma-separated list of consent actions")
    return _answer(org, request, actions)

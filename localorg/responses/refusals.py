"""Calls the local org does not model, refused in one line that says so, rather than answered with a
success it did not earn, a 404 or a session error. Each route names the call; the reply is HTTP 501 with
Salesforce's REST error shape (a SOAP fault on the SOAP APIs).
"""

from xml.sax.saxutils import escape

from localorg.exceptions import NotFound
from localorg.http import Request, Response, rest_error, soap_fault
from localorg.models.sobjects import canonical_object
from localorg.soql.lexer import SoqlError
from localorg.soql.parser import parse

NOT_MODELLED = "NOT_MODELLED_BY_LOCAL_ORG"


def execute_anonymous(org, request: Request, version: str) -> Response:
    """GET tooling/executeAnonymous: the local org has no Apex runtime to compile or run the code."""
    return rest_error(
        501,
        NOT_MODELLED,
        "The local org does not run Apex: tooling/executeAnonymous is not modelled (docs/scratch-orgs.md)",
    )


# Tooling API objects Salesforce has and the local org does not model (it keeps no custom objects, Apex or
# profiles): a query on one is refused as not modelled, not answered as if Salesforce lacked the object.
UNMODELLED_TOOLING = ("CustomObject", "CustomField", "ApexClass", "ApexTrigger", "Profile")


def unmodelled_tooling_query(q: str | None) -> Response | None:
    """The refusal for a Tooling query on an object the local org does not model, or None."""
    try:
        obj = parse(q or "").obj
    except SoqlError:
        return None  # the query engine reports the malformed query
    found = next((o for o in UNMODELLED_TOOLING if o.lower() == (obj or "").lower()), None)
    if found is None:
        return None
    return rest_error(
        501, NOT_MODELLED, f"The local org does not model the Tooling API's {found} (docs/scratch-orgs.md)"
    )


def rest_not_modelled(what: str) -> Response:
    """501 NOT_MODELLED_BY_LOCAL_ORG in REST's error shape, naming what is missing."""
    return rest_error(501, NOT_MODELLED, f"The local org does not model {what} (docs/local-org.md)")


def soap_api(org, request: Request, api: str) -> Response:
    """POST Soap/<api>/...: the SOAP APIs other than the Metadata API (Soap/s is Apex's, which `sf apex run`
    calls for executeAnonymous; Soap/u and Soap/c are the partner and enterprise APIs, whose `login` simple_salesforce
    sends for a username and password), refused as a SOAP fault a SOAP client can read."""
    what = {
        "s": "the Apex SOAP API (Soap/s: executeAnonymous, compileClasses, runTests): it runs no Apex",
        "u": "the partner SOAP API (Soap/u), login included: log in with OAuth (refresh token or JWT)",
        "c": "the enterprise SOAP API (Soap/c), login included: log in with OAuth (refresh token or JWT)",
        "T": "the Tooling SOAP API (Soap/T)",
    }.get(api, f"the SOAP API Soap/{api}")
    message = f"The local org does not model {what}"
    # The fault's detail carries exceptionCode and exceptionMessage as Salesforce's API faults do
    # (sf:UnexpectedErrorFault); simple_salesforce's login reads them from there.
    detail = (
        '<detail><sf:UnexpectedErrorFault xmlns:sf="urn:fault.partner.soap.sforce.com">'
        f"<sf:exceptionCode>{NOT_MODELLED}</sf:exceptionCode><sf:exceptionMessage>{escape(message)}"
        "</sf:exceptionMessage></sf:UnexpectedErrorFault></detail>"
    )
    fault = soap_fault(f"sf:{NOT_MODELLED}", f"{NOT_MODELLED}: {message}", status=501)
    fault.body = fault.body.replace(b"</faultstring>", b"</faultstring>" + detail.encode("utf-8"), 1)
    return fault


def sobject_resource(org, request: Request, version: str, sobject: str, resource: str) -> Response:
    """An sObject's resources a describe names in `urls` beyond the describe and its records (layouts,
    compactLayouts, listviews, quickActions ...): refused for an object the org has, 404 for one it lacks."""
    if not canonical_object(org, sobject):
        raise NotFound()
    return rest_not_modelled(f"sobjects/{sobject}/{resource} (it has no page layouts, list views or actions)")


def rest_resource(org, request: Request, version: str, resource: str) -> Response:
    """A resource of the REST API's version listing that the local org does not serve (or not this part of it)."""
    tail = request.path.split(f"/v{version}/", 1)[1].rstrip("/")
    return rest_not_modelled(f"the REST resource {request.method} {tail}")


def apex_rest(org, request: Request) -> Response:
    """services/apexrest: Apex REST classes; the local org runs no Apex."""
    return rest_not_modelled("Apex REST (services/apexrest): it runs no Apex")


def oauth_endpoint(org, request: Request, endpoint: str) -> Response:
    """OAuth endpoints beyond the token, userinfo and single-access ones (revoke, introspect, authorize ...)."""
    return rest_not_modelled(f"the OAuth endpoint services/oauth2/{endpoint}")


def user_interface(org, request: Request) -> Response:
    """The pages a browser opens (/, /lightning, /secur, /apex ...): the local org has no user interface."""
    return rest_not_modelled(f"the user interface ({request.path}): it serves the APIs only")


def tooling_sobject(org, request: Request, version: str, sobject: str) -> Response:
    """tooling/sobjects/<X>/...: the Tooling objects the local org does not model are refused; any other is
    answered as an org without it answers (sf asks for SourceMember's describe to learn whether an org tracks
    source, and reads the 404 as "it does not")."""
    found = next((o for o in UNMODELLED_TOOLING if o.lower() == sobject.lower()), None)
    if found is None:
        raise NotFound()
    return rest_not_modelled(f"the Tooling API's {found} (docs/scratch-orgs.md)")


def bulk_v1_resource(org, request: Request, version: str, resource: str) -> Response:
    """Bulk API 1.0 resources beyond jobs, batches and results (a job's transformation spec, PK chunking's
    extra batches ...)."""
    return rest_not_modelled(f"the Bulk API 1.0 resource {request.method} {resource}")

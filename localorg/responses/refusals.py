"""Calls the local org does not model, refused in one line that says so, rather than answered with a
success it did not earn. Each route names the call; the reply is HTTP 501 with Salesforce's REST error shape.
"""

from ..http import Request, Response, rest_error
from ..soql.lexer import SoqlError
from ..soql.parser import parse

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

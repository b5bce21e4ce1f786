"""GET /services/data/vXX.X/limits: the org's limits, as Salesforce's Limits resource lists them.

Each limit is a key holding {"Max", "Remaining"} (docs/salesforce-facts.md, "API request limits").
The local org lists only the limit it counts, DailyApiRequests; the request asking counts too, as any
REST request does. The resource exists from API version 29.0.
"""

from localorg.http import Request, Response, rest_error

FIRST_VERSION = 29.0


def limits(org, request: Request, version: str) -> Response:
    if float(version) < FIRST_VERSION:
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
    usage = org.api_usage
    return Response.json({"DailyApiRequests": {"Max": usage.max, "Remaining": usage.remaining()}})

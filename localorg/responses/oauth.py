"""The local org's OAuth and identity endpoints: token grants (refresh token, JWT bearer), the
identity service and userinfo, shaped as Salesforce answers them."""

import base64
import hashlib
import hmac
import time
from urllib.parse import parse_qs

from localorg.exceptions import OAuthError
from localorg.http import Request, Response, rest_error
from localorg.models import connected_app


def base_url(org) -> str:
    return getattr(org, "base_url", "https://127.0.0.1")


def identity_url(org) -> str:
    return f"{base_url(org)}/id/{org.identity.org_id}/{org.identity.user_id}"


# -- OAuth and identity ------------------------------------------------------------------------


def _oauth_error(error: str, description: str) -> Response:
    return Response.json({"error": error, "error_description": description}, status=400)


def oauth_token(org, request: Request) -> Response:
    """POST /services/oauth2/token: refresh-token, JWT-bearer and authorization-code grants."""
    form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
    grant = form.get("grant_type")
    if grant == "refresh_token":
        if not hmac.compare_digest(form.get("refresh_token", ""), org.sessions.refresh_token):
            return _oauth_error("invalid_grant", "expired access/refresh token")
    elif grant == connected_app.GRANT_TYPE:
        accepted = connected_app.audiences(base_url(org), org.identity.is_sandbox)
        try:
            connected_app.check_assertion(org.connected_app, form.get("assertion", ""), org.identity.username, accepted)
        except OAuthError as e:
            return _oauth_error(e.error, e.description)
    elif grant == "authorization_code":
        # The code a Dev Hub put in ScratchOrgInfo.AuthCode: one use, for the client and callback it names.
        client = org.sessions.take_code(form.get("code", ""))
        if client is None:
            return _oauth_error("invalid_grant", "invalid authorization code")
        if form.get("client_id") != client["client_id"]:
            return _oauth_error("invalid_client_id", "client identifier invalid")
        if form.get("redirect_uri") != client["redirect_uri"]:
            return _oauth_error("redirect_uri_mismatch", "redirect_uri must match configuration")
    else:
        return _oauth_error("unsupported_grant_type", "grant type not supported")
    token = org.sessions.issue()
    issued_at = str(int(time.time() * 1000))
    # Salesforce signs id + issued_at with the client secret; clients only carry it along.
    signature = base64.b64encode(
        hmac.new(org.identity.org_id.encode(), (identity_url(org) + issued_at).encode(), hashlib.sha256).digest()
    ).decode()
    reply = {
        "access_token": token,
        "signature": signature,
        "scope": "refresh_token web api full",
        "instance_url": base_url(org),
        "id": identity_url(org),
        "token_type": "Bearer",
        "issued_at": issued_at,
    }
    if grant == "authorization_code":
        # The code grant hands out the refresh token too; sf refreshes the scratch org's session with it.
        reply["refresh_token"] = org.sessions.refresh_token
    return Response.json(reply)


def _identity(org) -> dict:
    p = org.identity
    v = f"{base_url(org)}/services/data/v{{version}}/"
    return {
        "id": identity_url(org),
        "asserted_user": True,
        "user_id": p.user_id,
        "organization_id": p.org_id,
        "username": p.username,
        "nick_name": "admin",
        "display_name": "Local Admin",
        "email": "admin@example.com",
        "email_verified": True,
        "first_name": "Local",
        "last_name": "Admin",
        "timezone": "Europe/London",
        "active": True,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": 0,
        "last_modified_date": "2025-01-01T00:00:00.000+0000",
        "is_app_installed": True,
        "urls": {
            "enterprise": f"{base_url(org)}/services/Soap/c/{{version}}/{p.org_id}",
            "metadata": f"{base_url(org)}/services/Soap/m/{{version}}/{p.org_id}",
            "partner": f"{base_url(org)}/services/Soap/u/{{version}}/{p.org_id}",
            "rest": v,
            "sobjects": v + "sobjects/",
            "query": v + "query/",
            "profile": f"{base_url(org)}/{p.user_id}",
        },
    }


def identity(org, request: Request, org_id: str, user_id: str) -> Response:
    """GET /id/<org>/<user>: the identity service."""
    if org_id[:15] != org.identity.org_id[:15] or user_id[:15] != org.identity.user_id[:15]:
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
    return Response.json(_identity(org))


def userinfo(org, request: Request) -> Response:
    """GET /services/oauth2/userinfo: OpenID Connect user info."""
    info = _identity(org)
    p = org.identity
    return Response.json(
        {
            "sub": info["id"],
            "user_id": p.user_id,
            "organization_id": p.org_id,
            "preferred_username": p.username,
            "nickname": "admin",
            "name": "Local Admin",
            "email": "admin@example.com",
            "email_verified": True,
            "given_name": "Local",
            "family_name": "Admin",
            "zoneinfo": "Europe/London",
            "photos": {},
            "profile": info["urls"]["profile"],
            "picture": None,
            "address": {},
            "is_salesforce_integration_user": False,
            "urls": info["urls"],
            "active": True,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_US",
            "utcOffset": 0,
            "updated_at": "2025-01-01T00:00:00Z",
            "is_app_installed": True,
        }
    )

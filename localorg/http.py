"""The request and response objects every local-org handler takes and returns.

Handlers are plain functions `handler(org, request, **url_groups) -> Response`, so they can be
tested without a socket; server.py turns HTTP into Request and Response into HTTP.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from localorg import xml
from localorg.exceptions import SalesforceError, SoapFault

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


@dataclass
class Request:
    """One HTTP request as the handlers see it."""

    method: str
    path: str  # without the query string
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # keys lower-case
    body: bytes = b""
    org_id: str | None = None  # set by dispatch: the org that answers it (for the request log)

    def param(self, name: str, default: str | None = None) -> str | None:
        """First value of a query-string parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self):
        """The body parsed as JSON (ValueError if it is not)."""
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Response:
    """One HTTP response."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json;charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)
    consequence: str | None = None  # what the request did beyond its answer, for the request log

    @classmethod
    def json(cls, obj, status: int = 200) -> "Response":
        return cls(status=status, body=json.dumps(obj).encode("utf-8"))

    @classmethod
    def xml(cls, body: bytes, status: int = 200) -> "Response":
        return cls(status=status, body=body, content_type="text/xml;charset=UTF-8")

    @classmethod
    def text(cls, body: str, status: int = 200, content_type: str = "text/plain;charset=UTF-8") -> "Response":
        return cls(status=status, body=body.encode("utf-8"), content_type=content_type)


def rest_error(status: int, error_code: str, message: str) -> Response:
    """Salesforce's REST error body: a JSON list of {message, errorCode}."""
    return Response.json([{"message": message, "errorCode": error_code}], status=status)


def soap_fault(code: str, message: str, status: int = 500) -> Response:
    """Salesforce's SOAP fault (HTTP 500, as Salesforce answers faults)."""
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" '
        f'xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault>'
        f"<faultcode>{escape(code)}</faultcode><faultstring>{escape(message)}</faultstring>"
        f"</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
    return Response.xml(body.encode("utf-8"), status=status)


def error_reply(error: SalesforceError, soap: bool) -> Response:
    """The one place a typed error becomes a reply: a SOAP fault on the SOAP side, else REST's JSON."""
    if soap:
        if isinstance(error, SoapFault):
            return soap_fault(error.code, error.message, status=error.status)
        return soap_fault(f"sf:{error.error_code}", f"{error.error_code}: {error.message}")
    return rest_error(error.status, error.error_code, error.message)


class InvalidRequestBody(ValueError):
    """A SOAP body too malformed to find its session header in."""


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer X` (or Salesforce's older `OAuth X`) header, or of the
    `X-SFDC-Session` header Bulk API 1.0 clients send."""
    if request.headers.get("x-sfdc-session", "").strip():
        return request.headers["x-sfdc-session"].strip().removeprefix("Bearer ").strip()
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() in ("bearer", "oauth") and token.strip():
        return token.strip()
    return None


def soap_session_id(body: bytes) -> str | None:
    """The <sessionId> inside the SOAP header's SessionHeader; InvalidRequestBody if the XML is bad."""
    try:
        tree = xml.parse(body, "SOAP request", xml.MAX_SOAP_BYTES)
    except xml.XmlRefused as e:
        raise InvalidRequestBody(str(e)) from e
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag.rpartition("}")[2] == "sessionId":
            return (el.text or "").strip() or None
    return None

"""The request and response objects every local-org handler takes and returns.

Handlers are plain functions `handler(org, request, **url_groups) -> Response`, so they can be
tested without a socket; server.py turns HTTP into Request and Response into HTTP.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass
class Request:
    """One HTTP request as the handlers see it."""

    method: str
    path: str  # without the query string
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # keys lower-case
    body: bytes = b""

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

    @classmethod
    def json(cls, obj, status: int = 200) -> "Response":
        return cls(status=status, body=json.dumps(obj).encode("utf-8"))

    @classmethod
    def xml(cls, body: bytes, status: int = 200) -> "Response":
        return cls(status=status, body=body, content_type="text/xml;charset=UTF-8")

    @classmethod
    def text(cls, body: str, status: int = 200, content_type: str = "text/plain;charset=UTF-8") -> "Response":
        return cls(status=status, body=body.encode("utf-8"), content_type=content_type)

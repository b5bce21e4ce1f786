"""Typed errors of the local org, carrying Salesforce's error codes.

Models and handlers raise them; server.answer turns them into Salesforce-shaped replies in one
place: REST as `[{"message", "errorCode"}]` with the error's HTTP status, SOAP as a fault whose
faultcode is `sf:<CODE>` (or `soapenv:Client` for an envelope the org cannot read).
"""


class OptionError(ValueError):
    """A bad `org serve` option or fault spec: the message names what is wrong and what is allowed."""


class SalesforceError(Exception):
    """A request Salesforce refuses with an errorCode and a message."""

    error_code = "UNKNOWN_EXCEPTION"
    status = 400

    def __init__(self, message: str, error_code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if error_code:
            self.error_code = error_code
        if status:
            self.status = status


class InvalidSessionId(SalesforceError):
    error_code, status = "INVALID_SESSION_ID", 401


class NotFound(SalesforceError):
    error_code, status = "NOT_FOUND", 404

    def __init__(self, message: str = "The requested resource does not exist"):
        super().__init__(message)


class MalformedQuery(SalesforceError):
    error_code = "MALFORMED_QUERY"


class InvalidField(SalesforceError):
    error_code = "INVALID_FIELD"


class InvalidType(SalesforceError):
    error_code = "INVALID_TYPE"


class JsonParserError(SalesforceError):
    error_code = "JSON_PARSER_ERROR"


class SoqlError(SalesforceError):
    """A query Salesforce refuses: MALFORMED_QUERY, INVALID_TYPE, INVALID_FIELD ..."""

    def __init__(self, error_code: str, message: str):
        super().__init__(message, error_code)


class RecordError(SalesforceError):
    """A record Salesforce refuses (INVALID_FIELD, REQUIRED_FIELD_MISSING, STRING_TOO_LONG ...), with
    the fields at fault; per-record results carry it as {statusCode, message, fields}."""

    def __init__(self, status_code: str, message: str, fields: list[str] | None = None):
        super().__init__(message, status_code)
        self.fields = list(fields or [])

    @property
    def status_code(self) -> str:
        return self.error_code

    def as_error(self) -> dict:
        """The error as sObject Collections and Bulk results shape it."""
        return {"statusCode": self.error_code, "message": self.message, "fields": self.fields}


class SoapFault(SalesforceError):
    """A Metadata API request refused as a whole: a SOAP fault with this faultcode."""

    status = 500

    def __init__(self, code: str, message: str):
        super().__init__(message, code.rpartition(":")[2])
        self.code = code


class OAuthError(Exception):
    """A token request the OAuth endpoint refuses: HTTP 400 with {"error", "error_description"}, as
    Salesforce answers (not the REST error list)."""

    def __init__(self, error: str, description: str):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description

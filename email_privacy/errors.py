"""Expected failures, each told in one line without a traceback (cci prints a CumulusCIException's message only)."""

from cumulusci.core.exceptions import CumulusCIException, TaskOptionsError


class EmailPrivacyError(CumulusCIException):
    pass


class OptionError(TaskOptionsError, EmailPrivacyError):
    pass


class XmlInputError(EmailPrivacyError):
    position: tuple[int | None, int | None] = (None, None)  # (line, column) where the parser stopped, if known


class OrgError(EmailPrivacyError):
    pass


class QueryRefused(Exception):
    """The org refused a query (HTTP 4xx); the message is its words."""

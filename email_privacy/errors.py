"""Expected failures, each told in one line without a traceback (cci prints a CumulusCIException's message only)."""

from cumulusci.core.exceptions import CumulusCIException, TaskOptionsError


class EmailPrivacyError(CumulusCIException):
    """An expected failure: its message is one line a person can act on."""


class OptionError(TaskOptionsError, EmailPrivacyError):
    """An option or argument has a value that is not allowed."""


class XmlInputError(EmailPrivacyError):
    """A metadata file cannot be read safely (malformed, hostile or not the expected type)."""

    position: tuple[int | None, int | None] = (None, None)  # (line, column) where the parser stopped, if known


class OrgError(EmailPrivacyError):
    """The org refused or failed a call; the message carries its own words."""


class QueryRefused(Exception):
    """The org refused a query (HTTP 4xx); the message is its words."""

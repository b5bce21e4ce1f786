"""Exceptions for expected failures.

Every expected failure (bad option, unreadable file, an org's refusal) is raised as an
EmailPrivacyError whose message is one line a person can act on; the CLI and the tasks print it
without a traceback. Subclassing CumulusCIException makes cci show just the message.
"""

from cumulusci.core.exceptions import CumulusCIException, TaskOptionsError


class EmailPrivacyError(CumulusCIException):
    """An expected failure, told in one line."""


class OptionError(TaskOptionsError, EmailPrivacyError):
    """An option or argument has a value that is not allowed."""


class XmlInputError(EmailPrivacyError):
    """A metadata file cannot be read safely (malformed, hostile or not the expected type)."""

    position: tuple[int | None, int | None] = (None, None)  # (line, column) where the parser stopped, if known


class OrgError(EmailPrivacyError):
    """The org refused or failed a call; the message carries the org's own words."""


class QueryRefused(Exception):
    """The org refused a query (HTTP 4xx: INVALID_TYPE, no access, API disabled); the message is its words."""

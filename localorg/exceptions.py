"""Typed errors of the local org.

OptionError: a bad `org serve` option or fault spec (one line, no traceback).
"""


class OptionError(ValueError):
    """A bad option value: the message names what is wrong and what is allowed."""

"""Salesforce ids: one generator for every id the local org hands out (records, jobs, org, user, metadata).

An id is a 3-character key prefix, 12 more characters, and the 3-character case-safe suffix that
Salesforce computes from the first 15 (SOAP API Developer Guide, field type "ID"), so every
18-character id the local org issues passes the checksum clients apply.
"""

import secrets

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def sf_id(prefix: str, number: int) -> str:
    """An 18-character Salesforce id: key prefix, '5g', base-62 counter, and the case-safe suffix."""
    digits = ""
    while True:
        number, r = divmod(number, 62)
        digits = _B62[r] + digits
        if not number:
            break
    return with_checksum(prefix + "5g" + digits.rjust(10, "0"))


def with_checksum(id15: str) -> str:
    """Append Salesforce's 3-character case-safe suffix to a 15-character id."""
    suffix = ""
    for chunk in range(3):
        bits = sum(1 << i for i, c in enumerate(id15[chunk * 5 : chunk * 5 + 5]) if "A" <= c <= "Z")
        suffix += "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits]
    return id15 + suffix


def normalize_id(value) -> str | None:
    """A 15- or 18-character id as its 18-character form, or None if it is not shaped like one."""
    if not isinstance(value, str) or len(value) not in (15, 18) or not value.isalnum():
        return None
    full = with_checksum(value[:15])
    # 18-character ids are taken as given (case-safe suffix checks would refuse hand-made ids).
    return full if len(value) == 15 else value


def random_id(prefix: str) -> str:
    """An 18-character id with random characters after the key prefix (org, user and metadata ids)."""
    return with_checksum(prefix + "".join(secrets.choice(_B62) for _ in range(12)))

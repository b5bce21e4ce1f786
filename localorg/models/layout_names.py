"""How the local org names layouts: the encoded file-name form, and the managed-layout quirk.

Facts in docs/salesforce-facts.md, "Page layouts": member names `Object-Layout Name`, `%XX`-encoded except
letters, digits, space, `_` and `-`; a managed layout's own namespace after the hyphen, missing from
listMetadata's fullName and fileName.
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote

_KEEP = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-")
_NS_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,14})__(?!c$)(.+)$")


def encode_name(name: str) -> str:
    """A layout's human name as Salesforce writes it in member and file names."""
    return "".join(c if c in _KEEP else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in name)


def decode_name(encoded: str) -> str:
    """The human name behind an encoded layout name."""
    return unquote(encoded, encoding="utf-8", errors="strict")


def is_canonical(encoded: str) -> bool:
    """True when `encoded` is exactly how Salesforce encodes the name it stands for."""
    try:
        return encode_name(decode_name(encoded)) == encoded
    except UnicodeDecodeError:
        return False


@dataclass(frozen=True)
class LayoutName:
    """One layout: its object, its own namespace (None when unmanaged) and its human name."""

    object: str
    label: str
    namespace: str | None = None

    @property
    def member(self) -> str:
        """The name retrieve and deploy accept, and the file stem: namespace included, encoded."""
        ns = f"{self.namespace}__" if self.namespace else ""
        return f"{self.object}-{ns}{encode_name(self.label)}"

    @property
    def list_full_name(self) -> str:
        """The fullName listMetadata reports: the layout's own namespace left out (the quirk)."""
        return f"{self.object}-{encode_name(self.label)}"

    @property
    def file_name(self) -> str:
        """The file's path in retrieve and deploy zips: the member name, namespace included."""
        return f"layouts/{self.member}.layout"

    @property
    def list_file_name(self) -> str:
        """The fileName a real org's listMetadata reports: built from the fullName, so the layout's own
        namespace is missing here too (mdapi-issues/listmetadata-installed-missing-namespaceprefix,
        test/fixtures/actual.json: `layouts/ns__Vehicle__c-Vehicle Layout.layout` for an installed layout)."""
        return f"layouts/{self.list_full_name}.layout"

    @classmethod
    def from_member(cls, member: str, namespaces=()) -> "LayoutName":
        """Split a member name (`Obj-[ns__]Encoded Name`); `namespaces` are the installed packages'.

        Raises ValueError when there is no `-` or the name is not encoded as Salesforce encodes it.
        """
        obj, sep, rest = member.partition("-")
        if not sep or not obj or not rest:
            raise ValueError(f"layout name {member!r} is not of the form Object-Layout Name")
        ns = None
        m = _NS_PREFIX.match(rest)
        if m and m.group(1) in set(namespaces):
            ns, rest = m.group(1), m.group(2)
        if not is_canonical(rest):
            raise ValueError(
                f"layout name {member!r} is not encoded as Salesforce names layouts "
                f"(expected {obj}-{(ns + '__') if ns else ''}{encode_name(decode_name(rest))})"
            )
        return cls(obj, decode_name(rest), ns)

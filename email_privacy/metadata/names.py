"""Page layout names: full names, file names, and the names retrieve and deploy accept
(docs/salesforce-facts.md, Page layouts)."""

import posixpath
import re
from urllib.parse import unquote

from email_privacy.errors import EmailPrivacyError, OptionError

MDAPI_SUFFIX = ".layout"
SOURCE_SUFFIX = ".layout-meta.xml"
FORMATS = ("mdapi", "source")

# docs/salesforce-facts.md, CumulusCI and sources: the namespace token.
NAMESPACE_TOKEN = "___NAMESPACE___"

# docs/salesforce-facts.md, Page layouts: how names are percent-encoded (not plain URL encoding).
_TO_ENCODE = re.compile(r"%[0-9A-Fa-f]{2}|[^A-Za-z0-9 _\-]")

_NS_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9]*)__(?!c$)")


def _split(full_name: str) -> tuple[str, str]:
    """`Object-Layout Name` -> (Object, Layout Name); object API names never hold a hyphen."""
    obj, sep, layout = full_name.partition("-")
    if not sep or not obj or not layout:
        raise EmailPrivacyError(f"{full_name!r} is not a layout name: expected Object-Layout Name")
    return obj, layout


def layout_object(full_name: str) -> str:
    return _split(full_name)[0]


def layout_label(full_name: str) -> str:
    return _split(full_name)[1]


def encode(full_name: str) -> str:
    """As file names and retrieve members write it; `%XX` already there is kept."""
    # Left to right as the names read: an escape is kept whole, any other character not plain is encoded.
    return _TO_ENCODE.sub(_encoded, full_name)


def _encoded(m: re.Match) -> str:
    token = m.group()
    return token if len(token) == 3 else "".join(f"%{b:02X}" for b in token.encode("utf-8"))


def full_name_from_path(path) -> str:
    """`layouts/Lead-Lead %28M%29 Layout.layout` -> `Lead-Lead %28M%29 Layout` (still encoded)."""
    base = posixpath.basename(str(path).replace("\\", "/"))
    for suffix in (SOURCE_SUFFIX, MDAPI_SUFFIX):
        if base.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    raise EmailPrivacyError(f"{path}: not a layout file (expected a name ending {MDAPI_SUFFIX} or {SOURCE_SUFFIX})")


def is_layout_file(path) -> bool:
    name = str(path)
    return name.endswith(MDAPI_SUFFIX) or name.endswith(SOURCE_SUFFIX)


def file_name(full_name: str, fmt: str = "mdapi") -> str:
    if fmt not in FORMATS:
        raise OptionError(f"format: {fmt!r} is not allowed; use one of {', '.join(FORMATS)}.")
    return encode(full_name) + (MDAPI_SUFFIX if fmt == "mdapi" else SOURCE_SUFFIX)


def namespace_of(name: str) -> str | None:
    m = _NS_PREFIX.match(name)
    return m.group(1) if m else None


def retrieve_name(entry: dict) -> str:
    """The package.xml member for a listMetadata Layout entry: the layout's own namespace added after the hyphen,
    from namespacePrefix or else the fileName (docs/salesforce-facts.md, Page layouts: managed layouts)."""
    full_name = (entry.get("fullName") or "").strip()
    file = (entry.get("fileName") or "").strip()
    stem = full_name_from_path(file) if file and is_layout_file(file) else ""
    obj, layout = _split(full_name or stem)
    ns = (entry.get("namespacePrefix") or "").strip()
    if not ns and full_name and stem and stem != full_name:
        stem_obj, stem_layout = _split(stem)
        stem_ns = namespace_of(stem_layout)
        if stem_obj == obj and stem_ns and stem_layout == f"{stem_ns}__{layout}":
            ns = stem_ns
    if ns and not layout.startswith(f"{ns}__"):
        layout = f"{ns}__{layout}"
    return encode(f"{obj}-{layout}")


def display_name(full_name: str) -> str:
    """The full name decoded (`%28` -> `(`), namespace kept: what CumulusCI's own tasks take as a layout name."""
    return unquote(full_name)


def layout_package(full_name: str, namespace: str | None = None) -> str | None:
    """The layout's package: listMetadata's namespacePrefix, else the `ns__` after the hyphen, else None."""
    if namespace:
        return namespace
    return namespace_of(layout_label(full_name))


def human_label(full_name: str, namespace: str | None = None) -> str:
    """The name Setup lists: decoded, without the package's `ns__` (`Acme Contact (Partner) Layout`)."""
    label = layout_label(full_name)
    ns = layout_package(full_name, namespace)
    if ns and label.startswith(f"{ns}__"):
        label = label[len(ns) + 2 :]
    return unquote(label)


def human_name(full_name: str, namespace: str | None = None) -> str:
    ns = layout_package(full_name, namespace)
    package = f" [package {ns}]" if ns else ""
    return f"{layout_object(full_name)}: {human_label(full_name, namespace)}{package}"

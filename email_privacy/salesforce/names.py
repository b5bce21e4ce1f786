"""Page layout names: full names, file names, and the names retrieve and deploy accept.

A layout's full name is `Object-Layout Name` (docs/salesforce-facts.md, "Page layouts"). Three
things make these names tricky, each rule below cites where it was seen:
- file names and retrieve/deploy members write some characters percent-encoded (`(` -> `%28`),
  but not in plain URL encoding (github.com/forcedotcom/cli/issues/2869;
  github.com/SFDO-Tooling/CumulusCI/issues/3613);
- listMetadata leaves a managed layout's own namespace out of its fullName (and, in a real org's
  reply, out of its fileName too), while retrieve and deploy need it after the hyphen
  (github.com/joeferraro/MavensMate/issues/402, github.com/hardisgroupcom/sfdx-hardis/issues/1533,
  mdapi-issues/listmetadata-installed-missing-namespaceprefix);
- that namespace is the layout's, which can differ from the object's
  (github.com/hardisgroupcom/vscode-sfdx-hardis/issues/454).
"""

import posixpath
import re
from urllib.parse import unquote

from ..errors import EmailPrivacyError, OptionError

MDAPI_SUFFIX = ".layout"
SOURCE_SUFFIX = ".layout-meta.xml"
FORMATS = ("mdapi", "source")

# CumulusCI replaces this token with "<namespace>__" (or nothing) when it deploys unpackaged
# metadata (cumulusci/utils: NAMESPACE token); NPSP's layouts carry it in file names.
NAMESPACE_TOKEN = "___NAMESPACE___"

# How Salesforce writes a layout name in file names and retrieve/deploy members: UTF-8
# percent-encoding of every character except letters, digits, space, `_` and `-`.
# - docs/salesforce-facts.md, "Page layouts": `(` `)` are %28 %29 and spaces stay
#   (`Contact-FinServ__Contact %28Individual%29 Layout`).
# - github.com/forcedotcom/cli/issues/2869: "not ... plain URL encoding": retrieve works with
#   `Account-%5E %C2%B0 %21 %22 %C2%A7 %24 ...`, so spaces stay while `^ ! " $` and non-ASCII
#   letters (`°` -> %C2%B0) are encoded.
# - github.com/forcedotcom/cli/issues/1683: `Broker__c-v1%2E1 Broker Layout`: even `.` is encoded, which
#   urllib's quote() leaves alone (CumulusCI PR 1547 uses quote(name, safe=" ") and so gets `.` wrong).
# Unverified: `~` (treated like any other punctuation: encoded).
_PLAIN = re.compile(r"[A-Za-z0-9 _\-]")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")

_NS_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9]*)__(?!c$)")


def _split(full_name: str) -> tuple[str, str]:
    """`Object-Layout Name` -> (Object, Layout Name); object API names never hold a hyphen."""
    obj, sep, layout = full_name.partition("-")
    if not sep or not obj or not layout:
        raise EmailPrivacyError(f"{full_name!r} is not a layout name: expected Object-Layout Name")
    return obj, layout


def layout_object(full_name: str) -> str:
    """The object a layout belongs to: `PersonAccount-Person Account Layout` -> `PersonAccount`."""
    return _split(full_name)[0]


def layout_label(full_name: str) -> str:
    """The part after the hyphen, as written (encoded, namespace included)."""
    return _split(full_name)[1]


def encode(full_name: str) -> str:
    """Write a full name the way layout file names and retrieve members do (`(` -> `%28`, `é` -> `%C3%A9`).

    `%XX` sequences already present are kept, so encode(encode(x)) == encode(x) and names that
    listMetadata or a file name already gives encoded pass through unchanged.
    """
    out, i = [], 0
    while i < len(full_name):
        if _ESCAPE.match(full_name, i):
            out.append(full_name[i : i + 3])
            i += 3
            continue
        ch = full_name[i]
        out.append(ch if _PLAIN.match(ch) else "".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        i += 1
    return "".join(out)


def full_name_from_path(path) -> str:
    """The layout's full name, as encoded in its file name:
    `layouts/Lead-Lead %28M%29 Layout.layout` -> `Lead-Lead %28M%29 Layout`."""
    base = posixpath.basename(str(path).replace("\\", "/"))
    for suffix in (SOURCE_SUFFIX, MDAPI_SUFFIX):
        if base.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    raise EmailPrivacyError(f"{path}: not a layout file (expected a name ending {MDAPI_SUFFIX} or {SOURCE_SUFFIX})")


def is_layout_file(path) -> bool:
    """True for `*.layout` and `*.layout-meta.xml` file names."""
    name = str(path)
    return name.endswith(MDAPI_SUFFIX) or name.endswith(SOURCE_SUFFIX)


def file_name(full_name: str, fmt: str = "mdapi") -> str:
    """The file name of a layout: `<encoded full name>.layout` (mdapi) or `.layout-meta.xml` (source)."""
    if fmt not in FORMATS:
        raise OptionError(f"format: {fmt!r} is not allowed; use one of {', '.join(FORMATS)}.")
    return encode(full_name) + (MDAPI_SUFFIX if fmt == "mdapi" else SOURCE_SUFFIX)


def namespace_of(name: str) -> str | None:
    """The namespace prefix a name starts with (`FinServ__Contact Layout` -> `FinServ`), or None."""
    m = _NS_PREFIX.match(name)
    return m.group(1) if m else None


def retrieve_name(entry: dict) -> str:
    """The member name for package.xml retrieve/deploy of a listMetadata Layout entry.

    Starts from the fullName (the fileName's stem when there is none) and adds the layout's
    namespacePrefix after the hyphen unless the name already carries it: listMetadata leaves it out
    (MavensMate/issues/402, sfdx-hardis/issues/1533 on GitHub). The fileName cannot be trusted to carry it either:
    a real org's reply gives `layouts/ns__Vehicle__c-Vehicle Layout.layout` for an installed layout
    (mdapi-issues/listmetadata-installed-missing-namespaceprefix, test/fixtures/actual.json), while
    others saw the namespace in fileName only (salesforce.stackexchange question 66027, cited in
    MavensMate/issues/402): a fileName stem that is the fullName with a namespace added is taken.
    The prefix is the layout's own, not the object's, so an `acme__Obj__c` layout of package `beta`
    becomes `acme__Obj__c-beta__Name` (vscode-sfdx-hardis/issues/454).
    """
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
    """The managed package a layout was installed by: listMetadata's namespacePrefix when known, else the
    `ns__` that retrieve names carry after the hyphen (None for unmanaged layouts)."""
    if namespace:
        return namespace
    return namespace_of(layout_label(full_name))


def human_label(full_name: str, namespace: str | None = None) -> str:
    """The layout's name as Setup lists it under the object's Page Layouts: decoded, without the
    package's `ns__` (`Contact-acme__Acme Contact %28Partner%29 Layout` -> `Acme Contact (Partner) Layout`)."""
    label = layout_label(full_name)
    ns = layout_package(full_name, namespace)
    if ns and label.startswith(f"{ns}__"):
        label = label[len(ns) + 2 :]
    return unquote(label)


def human_name(full_name: str, namespace: str | None = None) -> str:
    """Object, name and package for listings: `Contact: Acme Contact (Partner) Layout [package acme]`."""
    ns = layout_package(full_name, namespace)
    package = f" [package {ns}]" if ns else ""
    return f"{layout_object(full_name)}: {human_label(full_name, namespace)}{package}"

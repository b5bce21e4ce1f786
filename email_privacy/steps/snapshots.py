"""Snapshots: the retrieved originals of layouts and pages, written owner-only before they change, kept per org id,
renamed into place whole so restore never trusts half a snapshot; the folder layout is in docs/layouts.md."""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from email_privacy.errors import OptionError
from email_privacy.metadata import documents, names
from email_privacy.metadata.documents import API_VERSION
from email_privacy.metadata.package import deploy_package
from email_privacy.private_files import mkdir_private, write_private

DEFAULT_BASE = Path(".email_privacy") / "snapshots"
MANIFEST = "manifest.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


def org_folder_name(org_key: str) -> str:
    """The org's id (or, in older snapshots, its name) made safe as one path segment (`a/b` cannot climb out
    of the base)."""
    safe = _UNSAFE.sub("_", org_key or "org").strip(".")
    return safe or "org"


def write_snapshot(
    base: Path,
    org_name: str,
    layouts: dict[str, bytes],
    org_id: str = "",
    api_version: str = API_VERSION,
    now: datetime | None = None,
    packages: dict[str, str | None] | None = None,
    pages: dict[str, bytes] | None = None,
    deployed: dict[str, bytes] | None = None,
) -> Path:
    """The new snapshot's folder; the digest of `deployed` (what replaces each file) is kept, so restore can tell
    whether someone changed it since."""
    packages, deployed = packages or {}, deployed or {}
    now = now or datetime.now(UTC)
    org_dir = Path(base) / org_folder_name(org_id or org_name)
    mkdir_private(org_dir)
    stamp = now.strftime("%Y%m%dT%H%M%S.%fZ")
    final = org_dir / stamp
    tmp = org_dir / f".{stamp}.tmp"
    mkdir_private(tmp / "layouts")
    # The folder is a deploy package as it stands: restore_page_changes, or anyone by hand, can deploy it back.
    pages = dict(pages or {})
    for path, data in deploy_package(api_version, layouts=layouts, pages=pages).items():
        (tmp / path).parent.mkdir(mode=0o700, exist_ok=True)
        write_private(tmp / path, data)

    manifest = {
        "org_name": org_name,
        "org_id": org_id,
        "created": now.isoformat(),
        "api_version": api_version,
        "layouts": [_layout_entry(n, layouts[n], packages.get(n), deployed) for n in sorted(layouts)],
    }
    if pages:
        manifest["pages"] = [_page_entry(n, pages[n], deployed) for n in sorted(pages)]
    write_private(tmp / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    os.rename(tmp, final)
    return final


def _digest(name: str, file: str, deployed: dict[str, bytes]) -> dict:
    return {"deployed_digest": documents.content_digest(deployed[name], file)} if name in deployed else {}


def _layout_entry(name: str, data: bytes, ns: str | None, deployed: dict[str, bytes]) -> dict:
    file = f"layouts/{names.file_name(name)}"
    return {
        "name": name,
        "object": names.layout_object(name),
        "label": names.human_label(name, ns),
        "package": names.layout_package(name, ns),
        "display_name": names.human_name(name, ns),
        "file": file,
        "sha256": hashlib.sha256(data).hexdigest(),
        **_digest(name, file, deployed),
    }


def _page_entry(name: str, data: bytes, deployed: dict[str, bytes]) -> dict:
    file = f"flexipages/{name}.flexipage"
    return {"name": name, "file": file, "sha256": hashlib.sha256(data).hexdigest(), **_digest(name, file, deployed)}


def same_org(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and a[:15] == b[:15]


def _complete(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file()]


def _manifest_org_id(folder: Path) -> str:
    try:
        return str(json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("org_id") or "")
    except (OSError, ValueError, AttributeError):
        return ""


def list_snapshots(base: Path, org_id: str, org_name: str | None = None) -> list[Path]:
    """Complete snapshots of the org `org_id`, oldest first (names sort by time): its own folder, and in the
    older per-name folder of `org_name` those whose manifest names this org id, never another org's."""
    base = Path(base)
    # The folder is the id as the org gave it, 18 characters or 15: either form finds it.
    own = [d for d in base.iterdir() if d.is_dir() and same_org(d.name, org_id)] if base.is_dir() and org_id else []
    found = {p for d in own for p in _complete(d)}
    if org_name:
        found |= {p for p in _complete(base / org_folder_name(org_name)) if same_org(_manifest_org_id(p), org_id)}
    return sorted(found, key=lambda p: (p.name, str(p)))


def newest_snapshot(base: Path, org_id: str, org_name: str) -> Path:
    """The newest snapshot of the org `org_id`; OptionError saying where it looked when there is none."""
    found = list_snapshots(base, org_id, org_name)
    if found:
        return found[-1]
    others = sorted({_manifest_org_id(p) or "unknown" for p in _complete(Path(base) / org_folder_name(org_name))})
    also = (
        f" (snapshots of other orgs named {org_name} are there: {', '.join(others)}; never restored here)"
        if others
        else ""
    )
    raise OptionError(
        f"Option snapshot: no snapshot of org {org_name} ({org_id or 'id unknown'}) under {Path(base)}{also}; "
        "give the path of one with -o snapshot PATH."
    )


def load_snapshot(path: Path) -> tuple[dict, dict[str, bytes]]:
    """(manifest, {layout retrieve name: bytes}) of a snapshot folder, every file checked against its sha256."""
    path = Path(path)
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise OptionError(f"Option snapshot: {path} is not a snapshot folder (no {MANIFEST}).")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = manifest["layouts"]
    except (ValueError, KeyError, TypeError):
        raise OptionError(f"Option snapshot: {manifest_path} is not a valid snapshot manifest.") from None
    return manifest, _load_files(path, manifest_path, entries)


def load_pages(path: Path, manifest: dict) -> dict[str, bytes]:
    """{FlexiPage name: bytes} of a snapshot (none in one that changed layouts only), checked as the layouts are."""
    path = Path(path)
    try:
        entries = list(manifest.get("pages", []))
    except TypeError:
        raise OptionError(f"Option snapshot: {path / MANIFEST} is not a valid snapshot manifest.") from None
    return _load_files(path, path / MANIFEST, entries)


def _load_files(path: Path, manifest_path: Path, entries) -> dict[str, bytes]:
    layouts = {}
    for entry in entries:
        file = path / entry["file"]
        if not file.resolve().is_relative_to(path.resolve()):
            raise OptionError(f"Option snapshot: {manifest_path} names a file outside the snapshot: {entry['file']}.")
        try:
            data = file.read_bytes()
        except OSError:
            raise OptionError(f"Option snapshot: {file} is missing from the snapshot.") from None
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            raise OptionError(f"Option snapshot: {file} was changed since the snapshot was taken (sha256 differs).")
        documents.parse(data, str(file))  # refuse hostile or broken XML before it reaches the org
        layouts[entry["name"]] = data
    return layouts

"""Put page layouts and Lightning pages back from a snapshot written by add_individual_field_to_layouts,
in one deploy, into the org the snapshot came from, and only where the org still holds what our change left."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import metadata_xml
from ..errors import OptionError
from ..org.deploy_package import deploy_package
from ..salesforce import names
from .snapshots import same_org
from .step import deploy


@dataclass
class RestoreResult:
    snapshot: str
    restored: list[str] = field(default_factory=list)
    restored_pages: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)  # changed in the org since our change, not restored
    already_restored: list[str] = field(default_factory=list)  # the org holds the snapshot's version already
    dry_run: bool = False
    check_only: bool = False

    def return_values(self) -> dict:
        return dict(self.__dict__)


@dataclass
class RestoreOptions:
    dry_run: bool = False
    check_only: bool = False
    allow_other_org: bool = False  # restore a snapshot of another org id (a refreshed sandbox's, say)
    overwrite_changed: bool = False  # also restore what someone changed in the org since our change


def check_org(manifest: dict, org, snapshot: Path, allow_other_org: bool, log) -> None:
    """Refuse, in one line, a snapshot taken from another org than `org` (or from an org it does not name),
    unless `allow_other_org`."""
    taken_from = str(manifest.get("org_id") or "")
    if same_org(taken_from, org.org_id):
        return
    source = f"org {taken_from} ({manifest.get('org_name') or 'name unknown'})" if taken_from else "an unnamed org"
    here = f"org {org.org_id or 'id unknown'} ({org.name})"
    if allow_other_org:
        log.warning(f"Snapshot {snapshot} was taken from {source}; restoring it into {here} (allow_other_org).")
        return
    raise OptionError(
        f"Option snapshot: {snapshot} was taken from {source}, not from this {here}; nothing was deployed. "
        "If this org is a copy of that one (a refreshed sandbox gets a new org id), run again with "
        "-o allow_other_org true."
    )


def compare_with_org(org, manifest: dict, files: dict[str, bytes], layouts) -> tuple[list[str], list[str]]:
    """(changed, already): of the snapshot's layouts and pages (`files`, {name: original bytes}; `layouts` says
    which names are layouts), those the org no longer holds as our change left them (edited or deleted since;
    those the manifest has no digest for, from older snapshots, count as changed), and those it holds as the
    snapshot has them already (nothing to put back). One retrieve.

    The comparison ignores whitespace and comments (metadata_xml.content_digest): the org may write back
    what we deployed laid out its own way. Should an org write it back otherwise changed, the layout counts as
    changed: an error on the safe side (it is named and left alone; overwrite_changed restores it)."""
    entries = {e["name"]: e for e in manifest.get("layouts", []) + manifest.get("pages", [])}
    members = {
        "Layout": sorted(n for n in files if n in layouts),
        "FlexiPage": sorted(n for n in files if n not in layouts),
    }
    now = org.metadata.retrieve({t: m for t, m in members.items() if m}).files
    changed, already = [], []
    for name in [*members["Layout"], *members["FlexiPage"]]:
        entry = entries.get(name, {})
        file = entry.get("file", "")
        current = now.get(file)
        digest = metadata_xml.content_digest(current, file) if current is not None else None
        if digest is not None and digest == metadata_xml.content_digest(files[name], file):
            already.append(name)
        elif digest is None or digest != entry.get("deployed_digest"):
            changed.append(name)
    return changed, already


def restore_layouts(
    org,
    snapshot: Path,
    manifest: dict,
    layouts: dict[str, bytes],
    log,
    options: RestoreOptions | None = None,
    pages=None,
) -> RestoreResult:
    """Deploy back `layouts` ({retrieve name: file}) and `pages` ({FlexiPage name: file}) of the snapshot
    folder `snapshot`, leaving alone (unless told) what someone changed in the org since our change."""
    o = options or RestoreOptions()
    check_org(manifest, org, snapshot, o.allow_other_org, log)
    layouts, pages = dict(layouts), dict(pages or {})
    # The manifest's package names come from listMetadata; older manifests lack them.
    packages = {e["name"]: e.get("package") for e in manifest.get("layouts", [])}

    def show(name):
        return names.human_name(name, packages.get(name)) if name in layouts else name

    result = RestoreResult(snapshot=str(snapshot), dry_run=o.dry_run, check_only=o.check_only)
    log.info(f"Snapshot {snapshot}: {len(layouts)} layout(s): {', '.join(show(n) for n in sorted(layouts))}")
    if pages:
        log.info(f"Snapshot {snapshot}: {len(pages)} Lightning page(s): {', '.join(sorted(pages))}")
    changed, already = compare_with_org(org, manifest, {**layouts, **pages}, layouts) if layouts or pages else ([], [])
    if already:
        log.info(f"Already as in the snapshot, nothing to put back: {', '.join(show(n) for n in already)}")
        result.already_restored = [names.display_name(n) if n in layouts else n for n in already]
        layouts = {n: d for n, d in layouts.items() if n not in already}
        pages = {n: d for n, d in pages.items() if n not in already}
    if changed:
        listed = ", ".join(show(n) for n in changed)
        if o.overwrite_changed:
            log.warning(f"Changed in the org since our change, restored anyway (overwrite_changed): {listed}")
        else:
            log.warning(
                f"Changed in the org since our change, left alone (-o overwrite_changed true restores them too): "
                f"{listed}"
            )
            result.left_alone = [names.display_name(n) if n in layouts else n for n in changed]
            layouts = {n: d for n, d in layouts.items() if n not in changed}
            pages = {n: d for n, d in pages.items() if n not in changed}
    shown = [show(n) for n in sorted(layouts)] + sorted(pages)
    if not shown:
        log.info("Nothing to restore: nothing was deployed.")
        return result
    if o.dry_run:
        log.info(f"Dry run: would restore {', '.join(shown)}; nothing was deployed.")
        return result
    deploy(org, deploy_package(org.api_version, layouts=layouts, pages=pages), check_only=o.check_only)
    result.restored = [] if o.check_only else [names.display_name(n) for n in sorted(layouts)]
    result.restored_pages = [] if o.check_only else sorted(pages)
    log.info(("Validated (check only): " if o.check_only else "Restored: ") + ", ".join(shown))
    return result

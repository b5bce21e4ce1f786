"""Put page layouts and Lightning pages back from a snapshot written by add_individual_field_to_layouts,
in one deploy, into the org the snapshot came from, and only where the org still holds what our change left."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from email_privacy.errors import OptionError
from email_privacy.metadata import documents, names
from email_privacy.steps.snapshots import same_org
from email_privacy.steps.step import Plan, Step


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

    The comparison ignores whitespace and comments (documents.content_digest): the org may write back
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
        digest = documents.content_digest(current, file) if current is not None else None
        if digest is not None and digest == documents.content_digest(files[name], file):
            already.append(name)
        elif digest is None or digest != entry.get("deployed_digest"):
            changed.append(name)
    return changed, already


class RestoreStep(Step):
    """Put back a snapshot's layouts and pages, leaving alone (unless told) what someone changed since our change."""

    def __init__(self, org, log, snapshot: Path, manifest: dict, layouts, pages, options: RestoreOptions):
        super().__init__(org, log, options.dry_run, options.check_only)
        self.snapshot_dir, self.manifest, self.o = snapshot, manifest, options
        self.layouts, self.pages = dict(layouts), dict(pages or {})
        # The manifest's package names come from listMetadata; older manifests lack them.
        self.packages = {e["name"]: e.get("package") for e in manifest.get("layouts", [])}
        self.result = RestoreResult(snapshot=str(snapshot), dry_run=options.dry_run, check_only=options.check_only)

    def show(self, name):
        return names.human_name(name, self.packages.get(name)) if name in self.layouts else name

    def full(self, name):
        return names.display_name(name) if name in self.layouts else name

    def read(self, flow_read):
        check_org(self.manifest, self.org, self.snapshot_dir, self.o.allow_other_org, self.log)
        layouts, pages, snap = self.layouts, self.pages, self.snapshot_dir
        self.log.info(f"Snapshot {snap}: {len(layouts)} layout(s): {', '.join(self.show(n) for n in sorted(layouts))}")
        if pages:
            self.log.info(f"Snapshot {snap}: {len(pages)} Lightning page(s): {', '.join(sorted(pages))}")
        if not (layouts or pages):
            return [], []
        return compare_with_org(self.org, self.manifest, {**layouts, **pages}, layouts)

    def plan(self, read) -> Plan:
        changed, already = read
        skip = set(already)
        if already:
            self.log.info(
                f"Already as in the snapshot, nothing to put back: {', '.join(self.show(n) for n in already)}"
            )
            self.result.already_restored = [self.full(n) for n in already]
        if changed:
            listed = ", ".join(self.show(n) for n in changed)
            if self.o.overwrite_changed:
                self.log.warning(f"Changed in the org since our change, restored anyway (overwrite_changed): {listed}")
            else:
                self.log.warning(
                    "Changed in the org since our change, left alone (-o overwrite_changed true restores them too): "
                    f"{listed}"
                )
                self.result.left_alone = [self.full(n) for n in changed]
                skip |= set(changed)
        layouts = {n: d for n, d in self.layouts.items() if n not in skip}
        pages = {n: d for n, d in self.pages.items() if n not in skip}
        shown = ", ".join([self.show(n) for n in sorted(layouts)] + sorted(pages))
        return Plan(
            parts={"layouts": layouts, "pages": pages},
            nothing="Nothing to restore: nothing was deployed.",
            dry_run=f"Dry run: would restore {shown}; nothing was deployed.",
            deployed=f"Restored: {shown}",
            validated=f"Validated (check only): {shown}",
        )


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
    step = RestoreStep(org, log, snapshot, manifest, layouts, pages, options or RestoreOptions())
    outcome = step.run(None)
    if outcome.deployed:
        step.result.restored = [names.display_name(n) for n in sorted(outcome.plan.parts["layouts"])]
        step.result.restored_pages = sorted(outcome.plan.parts["pages"])
    return step.result

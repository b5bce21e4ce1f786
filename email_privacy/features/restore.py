"""Put page layouts and Lightning pages back from a snapshot written by add_individual_field_to_layouts,
in one deploy."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..org.deploy_package import deploy_package
from ..salesforce import names


@dataclass
class RestoreResult:
    snapshot: str
    restored: list[str] = field(default_factory=list)
    restored_pages: list[str] = field(default_factory=list)
    dry_run: bool = False
    check_only: bool = False

    def return_values(self) -> dict:
        return dict(self.__dict__)


def restore_layouts(
    org, snapshot: Path, manifest: dict, layouts: dict[str, bytes], log, dry_run=False, check_only=False, pages=None
) -> RestoreResult:
    """Deploy back `layouts` ({retrieve name: file}) and `pages` ({FlexiPage name: file}) of the snapshot
    folder `snapshot`."""
    pages = dict(pages or {})
    # The manifest's package names come from listMetadata; older manifests lack them.
    packages = {e["name"]: e.get("package") for e in manifest.get("layouts", [])}
    shown = [names.human_name(n, packages.get(n)) for n in sorted(layouts)]
    result = RestoreResult(snapshot=str(snapshot), dry_run=dry_run, check_only=check_only)
    log.info(f"Snapshot {snapshot}: {len(shown)} layout(s): {', '.join(shown)}")
    if pages:
        log.info(f"Snapshot {snapshot}: {len(pages)} Lightning page(s): {', '.join(sorted(pages))}")
    if dry_run:
        log.info("Dry run: nothing was deployed.")
        return result
    org.metadata.deploy(deploy_package(org.api_version, layouts=layouts, pages=pages), check_only=check_only)
    result.restored = [] if check_only else [names.display_name(n) for n in sorted(layouts)]
    result.restored_pages = [] if check_only else sorted(pages)
    log.info(("Validated (check only): " if check_only else "Restored: ") + ", ".join(shown + sorted(pages)))
    return result

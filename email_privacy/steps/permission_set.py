"""Deploy the project's permission sets, only those whose org copy lacks something of ours.

The files in force-app are in source format (`X.permissionset-meta.xml`). CumulusCI's own `deploy`
task converts source format through the sf CLI, which this project does not require, so the
conversion is done here: for a PermissionSet it is a rename to `permissionsets/X.permissionset`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from email_privacy.metadata import documents
from email_privacy.steps.read import PermissionSetFiles, reuse_or_read
from email_privacy.steps.step import Plan, Step

SOURCE_SUFFIX = ".permissionset-meta.xml"
DEFAULT_PATH = "force-app/main/default/permissionsets"


def local_permission_sets(folder: Path) -> dict[str, bytes]:
    """{name: bytes} of every `*.permissionset-meta.xml` in `folder`, each parsed safely first."""
    found = {}
    for path in sorted(Path(folder).glob(f"*{SOURCE_SUFFIX}")):
        data = path.read_bytes()
        documents.parse(data, str(path))
        found[path.name[: -len(SOURCE_SUFFIX)]] = data
    return found


def already_in_org(ours: bytes, theirs: bytes | None, name: str) -> bool:
    """Whether deploying `ours` would change nothing: every element of ours is in the org's copy as it is.

    The org's copy may hold more (defaults Salesforce adds on retrieve); a deploy leaves what it does not name.
    """
    if theirs is None:
        return False
    return set(documents.canonical_children(ours, name)) <= set(documents.canonical_children(theirs, f"{name} (org)"))


@dataclass
class PermissionSetResult:
    deployed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False
    check_only: bool = False
    deferred: list[str] = field(default_factory=list)
    deferred_files: PermissionSetFiles = field(default_factory=PermissionSetFiles)

    def return_values(self) -> dict:
        return {
            "deployed": self.deployed,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "check_only": self.check_only,
            "deferred": self.deferred,
            "deferred_files": self.deferred_files,
        }


class PermissionSetStep(Step):
    def __init__(self, org, log, local: dict[str, bytes], dry_run=False, check_only=False, defer=False):
        super().__init__(org, log, dry_run, check_only)
        self.local, self.defer = local, defer

    def read(self, flow_read):
        return reuse_or_read(self.org.metadata, flow_read, permission_sets=list(self.local))[0]

    def plan(self, read) -> Plan:
        todo = {n: d for n, d in self.local.items() if not already_in_org(d, read.permission_sets.get(n), n)}
        listed = ", ".join(sorted(todo))
        # The flow makes two deploys in all (settings, then layouts): the layouts step sends these in its own.
        deferred = (
            f"Permission set(s) {listed} differ from the org's: they go in the "
            "layouts step's deploy (defer_to_layouts); nothing deployed here."
        )
        return Plan(
            parts={"permission_sets": todo},
            nothing=f"The org already has permission set(s) {', '.join(sorted(self.local))} as in force-app: "
            "nothing to deploy.",
            dry_run=f"Dry run: would deploy permission set(s) {listed}; nothing was deployed.",
            deployed=f"Deployed permission set(s): {listed}",
            validated=f"Validated (check only): {listed}",
            deferred=deferred if self.defer else None,
        )


def deploy_permission_sets(
    org, read, local: dict[str, bytes], log, dry_run=False, check_only=False, defer=False
) -> PermissionSetResult:
    """Deploy the `local` permission sets ({name: file}) the org's copies differ from, in one deploy; with
    `defer`, deploy nothing and return them as deferred_files for the layouts step's deploy."""
    outcome = PermissionSetStep(org, log, local, dry_run, check_only, defer).run(read)
    todo = dict(outcome.plan.parts["permission_sets"])
    result = PermissionSetResult(unchanged=sorted(set(local) - set(todo)), dry_run=dry_run, check_only=check_only)
    if outcome.deferred:
        result.deferred, result.deferred_files = sorted(todo), PermissionSetFiles(todo)
    if outcome.deployed:
        result.deployed = sorted(todo)
    return result

"""The one shape of a deploying step: read -> plan -> guard -> snapshot -> deploy (or dry-run diff, or
check-only) -> result. A step supplies `read` and `plan`, and `guard` and `snapshot` where it has them;
the template owns the order, the modes and the product rules every deploy obeys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from email_privacy.api.metadata_api import MAX_FILES
from email_privacy.errors import OptionError
from email_privacy.metadata import documents
from email_privacy.metadata.package import deploy_package
from email_privacy.metadata.settings import CONSENT, PURGE_WARNING, read_settings


@dataclass
class Plan:
    """What a step would deploy (`parts`: deploy_package's keywords, {kind: {name: bytes}}) and its log lines.

    `deferred`, when set, is logged instead of deploying: another step's deploy carries the files."""

    parts: dict[str, Mapping[str, bytes]] = field(default_factory=dict)
    nothing: str = "Nothing to deploy."
    dry_run: str = "Dry run: nothing was deployed."
    deployed: str = "Deployed."
    validated: str = "Validated (check only, nothing saved)."
    diffs: list[str] = field(default_factory=list)
    deferred: str | None = None

    @property
    def empty(self) -> bool:
        return not any(self.parts.values())


@dataclass
class Outcome:
    """What the template did with a plan: the read it planned from, whether it deployed (saved), the snapshot."""

    read: object
    plan: Plan
    deployed: bool = False
    deferred: bool = False
    snapshot: str | None = None


class Step:
    """Base of a deploying step; `run` is the template. Subclasses override `read` and `plan`."""

    def __init__(self, org, log, dry_run: bool = False, check_only: bool = False):
        self.org, self.log, self.dry_run, self.check_only = org, log, dry_run, check_only

    def read(self, flow_read):
        """The read to plan from: `flow_read` (the flow's, or None) reused where it holds what the step needs."""
        raise NotImplementedError

    def plan(self, read) -> Plan:
        raise NotImplementedError

    def guard(self, read, plan: Plan) -> None:
        """Raise when the org moved since the read (only before a deploy that saves)."""

    def snapshot(self, read, plan: Plan) -> str | None:
        """Keep what the deploy replaces; return where (only before a deploy that saves)."""
        return None

    def run(self, flow_read) -> Outcome:
        read = self.read(flow_read)
        plan = self.plan(read)
        outcome = Outcome(read, plan)
        if plan.empty:
            self.log.info(plan.nothing)
            return outcome
        files = deploy_package(self.org.api_version, **plan.parts)
        # Before the dry run's report, the guard's calls and the snapshot: a refusal leaves nothing behind, and a
        # dry run says what the run would say.
        refuse_undeployable(files)
        if self.dry_run:
            for diff in plan.diffs:
                self.log.info(diff)
            self.log.info(plan.dry_run)
            return outcome
        if plan.deferred is not None:
            self.log.info(plan.deferred)
            outcome.deferred = True
            return outcome
        if not self.check_only:
            self.guard(read, plan)
            outcome.snapshot = self.snapshot(read, plan)
        deploy(self.org, files, self.check_only)
        outcome.deployed = not self.check_only
        self.log.info(plan.validated if self.check_only else plan.deployed)
        return outcome


def deploy(org, files: dict[str, bytes], check_only: bool = False):
    """Every deploy of the product goes through here, so the product's rules hold whoever built the files."""
    refuse_undeployable(files)
    return org.metadata.deploy(files, check_only=check_only)


def refuse_undeployable(files: Mapping[str, bytes]) -> None:
    """The product's rules for a deploy, checked before anything is sent."""
    refuse_consent_purge(files)
    if len(files) > MAX_FILES:
        # Salesforce would refuse it only after the upload (docs/salesforce-facts.md, "Metadata API deploy and
        # retrieve limits"); package.xml is counted.
        raise OptionError(
            f"Refusing to deploy {len(files):,} files: the Metadata API takes at most {MAX_FILES:,} in one deploy. "
            "Nothing was deployed; run for fewer objects (-o objects Contact) or name the layouts (-o layouts), "
            "then run again."
        )


def refuse_consent_purge(files: Mapping[str, bytes]) -> None:
    """No deploy may carry PartyDataModelSettings.enableConsentManagement other than true: it purges
    the org's privacy data (a restore or a hand-made package must not slip by either)."""
    for path, data in files.items():
        if path.replace("\\", "/").rsplit("/", 1)[-1].startswith("PartyDataModel.settings"):
            value = read_settings(documents.parse(data, path)).get(CONSENT[1])
            if value is not None and value is not True:
                raise OptionError(f"Refusing to deploy {path}: {PURGE_WARNING}.")

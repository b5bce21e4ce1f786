"""Turn on the org settings the feature needs, only those that are off; the settings files for the CLI.

CumulusCI's org_settings task is not used: it deploys every value it is given whether or not the org
has it already, and cannot read Lightning Experience for `enhanced_email: auto`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from email_privacy.metadata import documents
from email_privacy.metadata.documents import API_VERSION
from email_privacy.metadata.package import deploy_package
from email_privacy.metadata.settings import (
    FEATURE_SETTINGS,
    changes_needed,
    settings_documents,
)
from email_privacy.options.settings import SettingsOptions, desired_settings
from email_privacy.options.values import parse_choice
from email_privacy.steps.read import reuse_or_read
from email_privacy.steps.step import Plan, Step

FORMATS = ("mdapi", "source")


def settings_files(
    changes: Mapping[str, Mapping[str, bool]], fmt: str = "mdapi", api_version: str = API_VERSION
) -> dict[str, bytes]:
    """{relative path: bytes} for the settings in `changes`, plus package.xml in MDAPI format."""
    fmt = parse_choice("format", fmt, FORMATS)
    by_type = settings_documents(changes)
    if fmt == "mdapi":
        return deploy_package(api_version, settings=by_type) if by_type else {}
    return {f"settings/{documents.settings_file_stem(t)}.settings-meta.xml": d for t, d in by_type.items()}


def write_files(outdir: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write {relative path: bytes} under outdir; return the paths written."""
    written = []
    for rel, data in files.items():
        path = Path(outdir) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


@dataclass
class SettingsResult:
    changed: dict[str, bool] = field(default_factory=dict)
    deployed: bool = False
    dry_run: bool = False
    check_only: bool = False

    def return_values(self) -> dict:
        return {
            "changed": self.changed,
            "deployed": self.deployed,
            "dry_run": self.dry_run,
            "check_only": self.check_only,
        }


class SettingsStep(Step):
    def __init__(self, org, log, options: SettingsOptions, dry_run=False, check_only=False):
        super().__init__(org, log, dry_run, check_only)
        self.options = options

    def read(self, flow_read):
        return reuse_or_read(self.org.metadata, flow_read, settings=True)[0]

    def plan(self, read) -> Plan:
        desired = desired_settings(self.options, read.lightning_on)
        changes = changes_needed(desired, read.settings)
        self.changed = {f"{t}.{f}": v for t, fields in changes.items() for f, v in fields.items()}
        changed = list(self.changed)
        for settings_type, field_name in desired:
            label = FEATURE_SETTINGS[(settings_type, field_name)]
            state_text = "to turn on" if f"{settings_type}.{field_name}" in changed else "already on"
            self.log.info(f"  {label} ({settings_type}.{field_name}): {state_text}")
        return Plan(
            parts={"settings": settings_documents(changes)} if changes else {},
            nothing="The org is already configured: every setting is on; nothing to deploy.",
            dry_run=f"Dry run: {len(changed)} setting(s) would be turned on; nothing was deployed.",
            deployed=f"Turned on: {', '.join(changed)}",
            validated=f"Validated (check only, nothing saved): {', '.join(changed)}",
        )


def deploy_settings(org, read, options: SettingsOptions, log, dry_run=False, check_only=False) -> SettingsResult:
    """Deploy, in one deploy, each settings file holding only the switches of `options` the org has off."""
    step = SettingsStep(org, log, options, dry_run, check_only)
    outcome = step.run(read)
    return SettingsResult(changed=step.changed, deployed=outcome.deployed, dry_run=dry_run, check_only=check_only)

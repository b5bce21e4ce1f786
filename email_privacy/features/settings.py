"""Turn on the org settings the feature needs, only those that are off.

CumulusCI's org_settings task is not used: it deploys every value it is given whether or not the org
has it already, and cannot read Lightning Experience for `enhanced_email: auto`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..org.deploy_package import deploy_package
from ..org.read import reuse_or_read
from ..settings import FEATURE_SETTINGS, SettingsOptions, changes_needed, desired_settings, settings_documents


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


def deploy_settings(org, read, options: SettingsOptions, log, dry_run=False, check_only=False) -> SettingsResult:
    """Deploy, in one deploy, each settings file holding only the switches of `options` the org has off."""
    state, _ = reuse_or_read(org.metadata, read, settings=True)
    desired = desired_settings(options, state.lightning_on)
    changes = changes_needed(desired, state.settings)
    changed = {f"{t}.{f}": v for t, fields in changes.items() for f, v in fields.items()}
    result = SettingsResult(changed=changed, dry_run=dry_run, check_only=check_only)
    for settings_type, field_name in desired:
        label = FEATURE_SETTINGS[(settings_type, field_name)]
        state_text = "to turn on" if f"{settings_type}.{field_name}" in changed else "already on"
        log.info(f"  {label} ({settings_type}.{field_name}): {state_text}")
    if not changes:
        log.info("The org is already configured: every setting is on; nothing to deploy.")
        return result
    if dry_run:
        log.info(f"Dry run: {len(changed)} setting(s) would be turned on; nothing was deployed.")
        return result
    package = deploy_package(org.api_version, settings=settings_documents(changes))
    org.metadata.deploy(package, check_only=check_only)
    result.deployed = not check_only
    verb = "Validated (check only, nothing saved)" if check_only else "Turned on"
    log.info(f"{verb}: {', '.join(changed)}")
    return result

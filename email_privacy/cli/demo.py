"""`make demo`: the main flow run with the real cci against a local org, then what changed in it."""

import subprocess
import sys
import tempfile
from pathlib import Path

from email_privacy.metadata import documents, names
from email_privacy.metadata.layouts import INDIVIDUAL_FIELD, field_behavior
from email_privacy.metadata.settings import FEATURE_SETTINGS, read_settings

FLOW = "enable_individual_email_tracking"


def metadata_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def describe_changes(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """One line per change a person cares about: settings switches, layouts given the field, new components."""
    lines = []
    for (settings_type, field), label in FEATURE_SETTINGS.items():
        rel = f"settings/{settings_type[: -len('Settings')]}.settings"
        old = read_settings(documents.parse(before[rel], rel)).get(field) if rel in before else None
        new = read_settings(documents.parse(after[rel], rel)).get(field) if rel in after else None
        if old != new:
            lines.append(f"setting  {label} ({settings_type}.{field}): {_bool(old)} -> {_bool(new)}")
    for rel in sorted(after):
        if rel.startswith("layouts/") and after[rel] != before.get(rel):
            full_name = names.full_name_from_path(rel)
            field = INDIVIDUAL_FIELD.get(names.layout_object(full_name))
            behavior = field_behavior(documents.parse(after[rel], rel), field) if field else None
            what = (
                f"{field} added ({behavior})"
                if behavior and field_behavior(documents.parse(before[rel], rel), field) is None
                else "changed"
            )
            lines.append(f"layout   {names.display_name(full_name)}: {what}")
        elif not rel.startswith(("layouts/", "settings/")) and rel not in before:
            lines.append(f"created  {rel}")
    return lines


def _bool(value) -> str:
    return {True: "on", False: "off", None: "absent"}.get(value, str(value))


def main() -> int:
    """Run the demo; return the flow's exit code."""
    from localorg.process import LocalOrgProcess  # the demo's only use of the local org

    project = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="email-privacy-demo-") as tmp:
        org = LocalOrgProcess(Path(tmp), person_accounts=True)
        with org:
            print(f"Local org serving at {org.url} (state in {org.state_dir}, stopped when the demo ends)")
            before = metadata_files(org.metadata_dir)
            print(f"$ cci flow run {FLOW} --org sim\n", flush=True)
            cci = Path(sys.executable).parent / "cci"
            result = subprocess.run(
                [str(cci), "flow", "run", FLOW, "--org", "sim"], cwd=project, env=org.env, stdin=subprocess.DEVNULL
            )
            after = metadata_files(org.metadata_dir)
        print()
        if result.returncode != 0:
            print(f"The flow failed (exit {result.returncode}); the org is left as the flow left it.")
            return result.returncode
        changes = describe_changes(before, after)
        print("What changed in the org:" if changes else "Nothing changed in the org.")
        for line in changes:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every run of the sf CLI in the tests and scripts turns oclif's update hook off (SF_DISABLE_AUTOUPDATE, the
variable @oclif/plugin-update reads; SF_AUTOUPDATE_DISABLE alone leaves a background `sf update` behind), so no
test or script leaves an `sf update` process running."""

import re
from pathlib import Path

from tests.e2e.sf_cli import QUIET

ROOT = Path(__file__).resolve().parent.parent


def test_the_sf_environment_of_the_tests_disables_the_update_hook():
    assert QUIET["SF_DISABLE_AUTOUPDATE"] == "true" and QUIET["SF_AUTOUPDATE_DISABLE"] == "true"


def test_test_modules_that_run_sf_themselves_use_that_environment():
    direct = [
        p
        for p in (ROOT / "tests").rglob("*.py")
        if re.search(r"^from tests\.e2e\.sf_cli import .*\bSF\b", p.read_text(encoding="utf-8"), re.M)
    ]
    assert direct  # test_scratch_orgs.py runs sf by its path
    # Either QUIET itself or the environment of an SfRun (which holds QUIET).
    unquiet = [p.name for p in direct if not re.search(r"\bQUIET\b|\.env\b", p.read_text(encoding="utf-8"))]
    assert unquiet == []


def test_scripts_that_run_sf_export_the_switch():
    scripts = [p for p in (ROOT / "scripts").glob("*.sh") if re.search(r"\bsf\b", p.read_text(encoding="utf-8"))]
    assert scripts
    assert [p.name for p in scripts if "SF_DISABLE_AUTOUPDATE=true" not in p.read_text(encoding="utf-8")] == []

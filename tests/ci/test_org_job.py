"""ci/org-job.sh refuses bad arguments and missing credentials in one line, before running cci, printing no value."""

import json
import subprocess

import pytest

from tests.ci.workflow import REPO

KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretkeymaterial\n-----END RSA PRIVATE KEY-----"
GOOD = {
    "SFDX_CLIENT_ID": "3MVG9secretclientid",
    "SFDX_HUB_KEY": KEY,
    "EMAIL_PRIVACY_USERNAME": "ci@acme.com",
    "EMAIL_PRIVACY_INSTANCE_URL": "https://acme.my.salesforce.com",
}


def run(args, env, tmp_path):
    # CCI points at a command that fails loudly: none of these runs may get as far as cci.
    env = {"PATH": "/usr/bin:/bin", "CCI": "/nonexistent/cci", "EMAIL_PRIVACY_RESULTS": str(tmp_path), **env}
    return subprocess.run(["bash", "ci/org-job.sh", *args], cwd=REPO, env=env, capture_output=True, text=True)


@pytest.mark.parametrize(
    "args, env, words",
    [
        (["uat"], GOOD, "usage: ci/org-job.sh ORG configure|verify"),
        (["UAT", "verify"], GOOD, "ORG 'UAT' is not allowed"),
        (["uat", "fix"], GOOD, "MODE 'fix' is not allowed: configure or verify"),
        (["uat", "verify"], {**GOOD, "SFDX_CLIENT_ID": ""}, "SFDX_CLIENT_ID is empty"),
        (["uat", "verify"], {**GOOD, "SFDX_HUB_KEY": ""}, "SFDX_HUB_KEY is empty"),
        (["uat", "verify"], {**GOOD, "EMAIL_PRIVACY_USERNAME": ""}, "EMAIL_PRIVACY_USERNAME is empty"),
        (["uat", "verify"], {**GOOD, "EMAIL_PRIVACY_INSTANCE_URL": "acme"}, "EMAIL_PRIVACY_INSTANCE_URL must be"),
        (["uat", "configure"], {**GOOD, "EMAIL_PRIVACY_DRY_RUN": "yes"}, "EMAIL_PRIVACY_DRY_RUN must be true or false"),
        (
            ["uat", "verify"],
            {**GOOD, "EMAIL_PRIVACY_MIN_API_REQUESTS": "-5"},
            "EMAIL_PRIVACY_MIN_API_REQUESTS '-5' is not allowed: a whole number of requests",
        ),
    ],
)
def test_bad_input_exits_2_in_one_line_without_values(tmp_path, args, env, words):
    result = run(args, env, tmp_path)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""
    assert "secretclientid" not in result.stderr and "secretkeymaterial" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_cci_that_cannot_start_fails_the_job_and_says_so_in_the_summary(tmp_path):
    summary = tmp_path / "step-summary.md"
    result = run(["uat", "verify"], {**GOOD, "GITHUB_STEP_SUMMARY": str(summary)}, tmp_path)
    assert result.returncode != 0
    assert summary.read_text().startswith("### Email privacy: uat was not verified")
    assert (tmp_path / "uat" / "cci.log").is_file()
    job = json.loads((tmp_path / "uat" / "job.json").read_text())
    assert (job["mode"], job["skipped"]) == ("verify", False) and job["exit_status"] == result.returncode
    assert "secret" not in result.stdout + result.stderr + summary.read_text()

"""No token the local org issued may appear in any file an end-to-end run writes (issue 6 point 5).

Runs the real flow (with a JSON report and layout snapshots), then reads every file under the cci HOME, the
org's state folder, the request log, the server's output, the reports and the snapshots, and looks for each
access and refresh token. Two files are meant to hold one and are left out on purpose, but must be owner-only:
the local org's own token store (DIR/auth.json: the server side, standing in for Salesforce's session store)
and the env file that hands the org's credentials to cci (as CUMULUSCI_ORG_sim does in CI).

Without a working keyring cci writes the org it refreshed to ~/.cumulusci/<project>/<org>.org UNENCRYPTED,
tokens included, unless CUMULUSCI_KEY is set: this test catches that, so the env file must export one.
"""

import stat

import pytest

from tests.harness import run_cci

pytestmark = pytest.mark.e2e


def files_under(*roots):
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path


def test_no_token_in_any_file_written_and_reports_owner_only(local_org, tmp_path):
    org = local_org(person_accounts=True)
    out_dir = tmp_path / "out"
    result = run_cci(
        org, "flow", "run", "enable_individual_email_tracking", "--org", "sim",
        "-o", "verify_email_privacy__report", str(out_dir / "verify.json"),
        "-o", "add_individual_field_to_layouts__snapshot_dir", str(out_dir / "snapshots"),
        timeout=300,
    )
    tokens = [t for t in org.tokens_issued() if t]
    assert len(tokens) >= 2, "the org issued no access token: the run did not reach it"
    assert (out_dir / "verify.json").is_file(), result.stdout[-3000:] + result.stderr[-3000:]

    meant_to_hold_them = {org.state_dir / "auth.json", org.env_file}
    for path in meant_to_hold_them:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} holds a token and is readable by others"
    checked = 0
    for path in files_under(org.workdir, out_dir):
        if path in meant_to_hold_them:
            continue
        data = path.read_bytes()
        for token in tokens:
            assert token.encode() not in data, f"a token the org issued is in {path}"
        checked += 1
    assert checked >= 5
    for text in (result.stdout, result.stderr):
        assert not any(t in text for t in tokens), "a token is in cci's output"

    written = [out_dir / "verify.json", *[p for p in (out_dir / "snapshots").rglob("*") if p.is_file()]]
    assert len(written) > 1
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} is readable by others"

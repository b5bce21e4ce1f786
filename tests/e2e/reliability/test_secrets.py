"""No token the local org issued may appear in any file an end-to-end run writes.

Runs the real flow (with a JSON report and layout snapshots), restore_layouts, set_individual_privacy
(with its JSON report) after an expired session (so a second access token is issued), and a failing
deploy; then reads every file under the cci HOME (~/.cumulusci, its logs and saved orgs included), the
org's state folder, the request log, the server's output, the reports and the snapshots, plus cci's
output of every run, and looks for each access and refresh token. Two files are meant to hold one and
are left out on purpose, but must be owner-only: the local org's own token store (DIR/auth.json: the
server side, standing in for Salesforce's session store) and the env file that hands the org's
credentials to cci (as CUMULUSCI_ORG_sim does in CI).

Without a working keyring cci writes the org it refreshed to ~/.cumulusci/<project>/<org>.org UNENCRYPTED,
tokens included, unless CUMULUSCI_KEY is set: this test catches that, so the harness must set one.
"""

from tests.harness import cci_task, error_line, ok, out, private, restart_with, run_cci


def files_under(*roots):
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path


def test_no_token_in_any_file_written_and_reports_owner_only(local_org, tmp_path):
    org = local_org(person_accounts=True, contacts=4)
    out_dir = tmp_path / "out"
    snaps = out_dir / "snapshots"
    runs = [
        run_cci(
            org,
            "flow",
            "run",
            "enable_individual_email_tracking",
            "--org",
            "sim",
            "-o",
            "verify_email_privacy__report",
            str(out_dir / "verify.json"),
            "-o",
            "add_individual_field_to_layouts__snapshot_dir",
            str(snaps),
        )
    ]
    ok(runs[-1])
    runs.append(cci_task(org, "restore_layouts", "snapshot_dir", snaps))
    ok(runs[-1])
    restart_with(org, ["session-expired:2", "deploy-fail:Lead-Lead Layout"])
    runs.append(
        cci_task(
            org,
            "set_individual_privacy",
            "contacts_where",
            "Email != null",
            "dont_track",
            "true",
            "report",
            out_dir / "individuals.json",
        )
    )
    assert "session expired" in ok(runs[-1]).lower()
    runs.append(cci_task(org, "add_individual_field_to_layouts", "snapshot_dir", snaps))
    assert "Lead-Lead Layout" in error_line(runs[-1])  # the failing deploy; its message is checked below too

    tokens = [t for t in org.tokens_issued() if t]
    assert len(tokens) >= 3, "the org issued fewer access tokens than the runs needed"
    meant_to_hold_them = {org.state_dir / "auth.json", org.env_file}
    for path in meant_to_hold_them:
        assert private(path) == 0o600, f"{path} holds a token and is readable by others"
    checked = 0
    for path in files_under(org.workdir, out_dir):
        if path in meant_to_hold_them:
            continue
        data = path.read_bytes()
        for token in tokens:
            assert token.encode() not in data, f"a token the org issued is in {path}"
        checked += 1
    assert checked >= 20 and any(p.suffix == ".log" or "logs" in p.parts for p in files_under(org.home))
    for result in runs:
        assert not any(t in out(result) for t in tokens), f"a token is in cci's output of {result.args}"

    reports = [out_dir / "verify.json", out_dir / "individuals.json"]
    snapshot_files = [p for p in snaps.rglob("*") if p.is_file()]
    assert len(snapshot_files) >= 4 and all(r.is_file() for r in reports)
    for path in reports + snapshot_files:
        assert private(path) == 0o600, f"{path} is readable by others"
    for folder in [snaps, *[p for p in snaps.rglob("*") if p.is_dir()]]:
        assert private(folder) == 0o700, f"{folder} is open to others"

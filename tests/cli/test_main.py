"""`email-privacy settings` writes the files offline; bad arguments give one line and exit 2."""

import subprocess
import sys
from pathlib import Path

import pytest

from email_privacy.cli.main import main
from tests.conftest import assert_valid

BIN = Path(sys.executable).parent


def test_writes_mdapi_files_and_says_what_it_wrote(tmp_path, capsys, xsd):
    assert main(["settings", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == [
        "package.xml",
        "settings/Activities.settings",
        "settings/EmailAdministration.settings",
        "settings/PartyDataModel.settings",
    ]
    assert len(out) == 4 and all(line.startswith("wrote ") for line in out)
    for rel in written:
        assert_valid(xsd, (tmp_path / rel).read_bytes(), rel)


def test_source_format_without_enhanced_email_or_tracking(tmp_path, xsd):
    assert main(["settings", str(tmp_path), "--format", "source", "--no-enhanced-email", "--no-email-tracking"]) == 0
    written = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["EmailAdministration.settings-meta.xml", "PartyDataModel.settings-meta.xml"]
    email = (tmp_path / "settings" / "EmailAdministration.settings-meta.xml").read_bytes()
    assert b"enableEnhancedEmailEnabled" not in email
    assert_valid(xsd, email)


@pytest.mark.parametrize(
    "args, words",
    [
        (["settings", "OUT", "--format", "xml"], "'xml' is not one of 'mdapi', 'source'"),
        (["settings"], "Missing argument 'OUTDIR'"),
        (["settings", "OUT", "--colour"], "No such option '--colour'"),
        (["settings", "OUT", "--api-version", "latest"], "--api-version: 'latest' is not an API version"),
    ],
)
def test_bad_arguments_one_line_exit_2_nothing_written(tmp_path, args, words):
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    proc = subprocess.run([str(BIN / "email-privacy"), *args], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and words in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()

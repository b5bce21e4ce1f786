"""`email-privacy pages` on files in a source tree: edits, dry run, check, bad input, the real pages."""

import shutil
from pathlib import Path

import pytest

from email_privacy.cli.main import main
from email_privacy.metadata import documents
from email_privacy.metadata import flexipages as fp
from tests.cli.test_layouts import assert_refused_whole, assert_usage_error, installed_runs, snapshot
from tests.metadata.test_flexipages import DETAILS, highlights, minus_inserted, page

TARGETS = {
    # file name (relative to flexipages/) -> (bytes, lookup)
    "Contact_Record_Page.flexipage-meta.xml": (page("Contact", DETAILS), "IndividualId"),
    "nested/Lead_Record_Page.flexipage": (
        page("Lead", ("Details", [("Lead", ["Name", "Company"], ["HasOptedOutOfEmail"])])),
        "IndividualId",
    ),
    "Person_Account_Record_Page.flexipage-meta.xml": (
        page("Account", ("Details", [("Person", ["Name", "PersonEmail", "PersonHasOptedOutOfEmail"])])),
        "PersonIndividualId",
    ),
}
LEFT_ALONE = {
    "Account_Record_Page.flexipage-meta.xml": page("Account", ("Details", [("Account", ["Name", "Industry"])])),
    "Contact_Detail.flexipage-meta.xml": page("Contact", detail=True),
    "Lead_Header_Only.flexipage": page("Lead", header=highlights("Name", "Email")),
}
OTHERS = {"Case_Record_Page.flexipage-meta.xml": page("Case", DETAILS)}


def tree(tmp_path) -> Path:
    folder = tmp_path / "force-app" / "main" / "default" / "flexipages"
    (folder / "nested").mkdir(parents=True)
    for name, data in {**{n: d for n, (d, _) in TARGETS.items()}, **LEFT_ALONE, **OTHERS}.items():
        (folder / name).write_bytes(data)
    (folder / "README.md").write_text("not a page")
    return tmp_path / "force-app"


def folder(root: Path) -> Path:
    return root / "main" / "default" / "flexipages"


def run(capsys, *args):
    code = main(["pages", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_edits_every_target_page_and_nothing_else(tmp_path, capsys, xsd):
    root = tree(tmp_path)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, out, err = run(capsys, root)
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "3 changed, 0 already had the field, 4 skipped as not target pages"
    for name, (old, lookup) in TARGETS.items():
        path = folder(root) / name
        new = path.read_bytes()
        assert minus_inserted(new, lookup) == old, path
        assert xsd.validate(documents.parse(new, str(path)).getroot()), path
        assert f"changed: {path}" in out
    for path, old in before.items():
        if path.relative_to(folder(root)).as_posix() not in TARGETS:
            assert path.read_bytes() == old, f"{path} is not a target and must be untouched"
    for name, kind in [
        ("Account_Record_Page.flexipage-meta.xml", "business_account"),
        ("Contact_Detail.flexipage-meta.xml", "record_detail"),
        ("Lead_Header_Only.flexipage", "no_field_section"),
    ]:
        assert f"left alone: {folder(root) / name}: {kind}: " in out
    assert "Case_Record_Page" not in out
    assert not list(root.rglob("*.tmp")), "temporary files left behind"
    after = snapshot(root)
    code, out, _ = run(capsys, root)
    assert (
        code == 0
        and out.strip().splitlines()[-1] == "0 changed, 3 already had the field, 4 skipped as not target pages"
    )
    assert snapshot(root) == after


def test_dry_run_prints_diff_and_changes_nothing(tmp_path, capsys):
    root = tree(tmp_path)
    before = snapshot(root)
    code, out, _ = run(capsys, root, "--dry-run")
    assert code == 0 and snapshot(root) == before
    assert out.count("--- a/") == 3
    assert out.count("+                <fieldItem>Record.IndividualId</fieldItem>") == 2
    assert out.count("+                <fieldItem>Record.PersonIndividualId</fieldItem>") == 1
    assert out.strip().splitlines()[-1] == "3 would change, 0 already had the field, 4 skipped as not target pages"


def test_check_exits_1_when_a_page_lacks_the_field_and_0_after(tmp_path, capsys):
    root = tree(tmp_path)
    before = snapshot(root)
    code, out, err = run(capsys, root, "--check", "--objects", "Lead")
    assert code == 1 and snapshot(root) == before
    assert err.strip() == "email-privacy: error: 1 target page(s) lack the Individual field"
    assert f"lacks the field: {folder(root) / 'nested/Lead_Record_Page.flexipage'}" in out
    assert run(capsys, root, "--objects", "Lead")[0] == 0
    code, out, _ = run(capsys, root, "--check", "--objects", "lead")
    assert (
        code == 0
        and out.strip().splitlines()[-1] == "0 would change, 1 already had the field, 6 skipped as not target pages"
    )


def test_single_file_path(tmp_path, capsys):
    path = folder(tree(tmp_path)) / "Person_Account_Record_Page.flexipage-meta.xml"
    code, out, _ = run(capsys, path)
    assert code == 0 and out.strip().endswith("1 changed, 0 already had the field, 0 skipped as not target pages")
    assert b"<fieldItem>Record.PersonIndividualId</fieldItem>" in path.read_bytes()


@pytest.mark.parametrize("bad", ["hostile", "truncated", "not a page"])
def test_one_bad_file_changes_no_file(tmp_path, capsys, bad):
    root = tree(tmp_path)
    content = {
        "hostile": b'<?xml version="1.0"?><!DOCTYPE F [<!ENTITY x SYSTEM "file:///etc/passwd">]><FlexiPage>&x;</FlexiPage>',
        "truncated": page("Lead", DETAILS)[:300],
        "not a page": b'<Layout xmlns="http://soap.sforce.com/2006/04/metadata"/>',
    }[bad]
    name = "Zzz_Bad.flexipage-meta.xml"
    (folder(root) / name).write_bytes(content)
    assert_refused_whole(capsys, run, root, name)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--objects", "Account"], "Option --objects: Account not allowed; use any of Contact, Lead, PersonAccount."),
        (["--objects", ","], "Option --objects: give at least one of Contact, Lead, PersonAccount."),
        (["--dry-run", "--check"], "--dry-run and --check cannot be used together; choose one."),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, args, message):
    assert_usage_error(capsys, run, tree(tmp_path), args, message)


def test_realworld_tree(realworld, tmp_path, capsys, xsd):
    if not (realworld / "flexipages").is_dir():
        pytest.skip(f"{realworld / 'flexipages'} is absent")
    root = tmp_path / "flexipages"
    shutil.copytree(realworld / "flexipages", root)
    for p in root.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    before = {p: p.read_bytes() for p in root.rglob("*.flexipage*")}
    code, out, _ = run(capsys, root)
    assert code == 0
    changed = 0
    for path, old in before.items():
        new = path.read_bytes()
        kind = fp.classify(documents.parse(old, str(path)))
        if new != old:
            assert kind.kind in fp.CHANGED_KINDS, path
            assert minus_inserted(new, fp.INDIVIDUAL_FIELD[kind.target]) == old, path
            assert xsd.validate(documents.parse(new, str(path)).getroot()), path
            changed += 1
    assert changed >= 20
    assert out.strip().splitlines()[-1] == f"{changed} changed, 2 already had the field, 9 skipped as not target pages"
    assert out.count(": old_format: ") == 3


def test_installed_command_runs(tmp_path):
    """The console script: exit codes, stdout/stderr."""
    check, done, bad = installed_runs("pages", tree(tmp_path))
    assert check.returncode == 1 and "3 would change" in check.stdout
    assert done.returncode == 0
    assert done.stdout.strip().endswith("3 changed, 0 already had the field, 4 skipped as not target pages")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


@pytest.mark.parametrize("mode", [[], ["--check"], ["--dry-run"]])
@pytest.mark.parametrize("content", ["empty", "other pages only", "layouts only"])
def test_a_folder_without_target_pages_exits_2_with_one_line(tmp_path, capsys, mode, content):
    """A CI gate pointed at the wrong folder must fail, not pass on "0 would change"."""
    root = tmp_path / "src"
    root.mkdir()
    if content == "other pages only":
        for name, data in OTHERS.items():
            (root / name).write_bytes(data)
    elif content == "layouts only":
        (root / "Contact-Contact Layout.layout").write_text("<Layout/>")
    message = (
        f"nothing found under {root}: no record page of Contact, Lead, PersonAccount "
        "(*.flexipage, *.flexipage-meta.xml); nothing was changed."
    )
    assert_usage_error(capsys, run, root, mode, message)


def test_a_folder_with_only_pages_left_alone_is_not_empty(tmp_path, capsys):
    """A Record Detail Contact page is a page of a target object: the folder is the right one, nothing to do."""
    root = tmp_path / "src"
    root.mkdir()
    (root / "Contact_Detail.flexipage-meta.xml").write_bytes(LEFT_ALONE["Contact_Detail.flexipage-meta.xml"])
    code, out, _ = run(capsys, root, "--check")
    assert (
        code == 0
        and out.strip().splitlines()[-1] == "0 would change, 0 already had the field, 1 skipped as not target pages"
    )

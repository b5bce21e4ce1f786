"""`email-privacy layouts` on real files in a source tree: edits, dry run, check, bad input."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from email_privacy.cli.main import main
from email_privacy.metadata import documents, layouts, names
from tests.metadata.test_layouts import CASES, minus_inserted

ODD_NAMES = {
    # file name -> fixture case
    "Contact-FinServ__Contact %28Individual%29 Layout.layout-meta.xml": "two columns, opt-out in the second",
    "Lead-O%27Brien %26 Co %C3%A9 %E8%A3%BD Layout.layout": "one column, no opt-out",
    "Lead-O'Brien & Co é 製 Layout.layout-meta.xml": "empty first column",
    "Contact-___NAMESPACE___Contact Layout.layout": "CustomLinks section first",
    "PersonAccount-Person Account Layout.layout-meta.xml": "person account opt-out",
    "Contact-acme__Contact %28Sales%29.layout": "comments everywhere",
}
OTHERS = {
    "Account-Account Layout.layout": "one column, no opt-out",
    "acme__Policy__c-beta__Policy Layout.layout-meta.xml": "one column, no opt-out",
}


def tree(tmp_path) -> Path:
    root = tmp_path / "force-app" / "main" / "default" / "layouts"
    (root / "nested").mkdir(parents=True)
    for name, case in {**ODD_NAMES, **OTHERS}.items():
        (root / ("nested" if "Lead" in name else "") / name).write_bytes(CASES[case][1])
    (root / "README.md").write_text("not a layout")
    return tmp_path / "force-app"


def snapshot(root: Path) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def run(capsys, *args):
    code = main(["layouts", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def field_for(path: Path) -> str:
    return layouts.INDIVIDUAL_FIELD[names.layout_object(names.full_name_from_path(path.name))]


def test_edits_every_target_layout_and_nothing_else(tmp_path, capsys, xsd):
    root = tree(tmp_path)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, out, err = run(capsys, root)
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "6 changed, 0 already had the field, 2 skipped as other objects"
    for path, old in before.items():
        new = path.read_bytes()
        if path.name in ODD_NAMES:
            assert minus_inserted(new, field_for(path)) in (
                old,
                old.replace(b"<layoutColumns/>", b"<layoutColumns>\n        </layoutColumns>", 1),
            ), path
            assert xsd.validate(documents.parse(new, str(path)).getroot()), path
            assert f"changed: {path}" in out
        else:
            assert new == old, f"{path} is not a target and must be untouched"
    assert not [p for p in root.rglob("*.tmp")], "temporary files left behind"
    # A second run changes nothing.
    after = snapshot(root)
    code, out, _ = run(capsys, root)
    assert code == 0 and out.strip() == "0 changed, 6 already had the field, 2 skipped as other objects"
    assert snapshot(root) == after


def test_dry_run_prints_diff_and_changes_nothing(tmp_path, capsys):
    root = tree(tmp_path)
    before = snapshot(root)
    code, out, _ = run(capsys, root, "--dry-run")
    assert code == 0
    assert snapshot(root) == before
    assert out.count("\n--- a/") + out.startswith("--- a/") == 6
    assert out.count("+                <field>IndividualId</field>") == 5
    assert out.count("+                <field>PersonIndividualId</field>") == 1
    assert "Co é 製 Layout.layout-meta.xml" in out
    assert out.strip().splitlines()[-1] == "6 would change, 0 already had the field, 2 skipped as other objects"


def test_check_exits_1_when_a_layout_lacks_the_field_and_0_after(tmp_path, capsys):
    root = tree(tmp_path)
    before = snapshot(root)
    code, out, err = run(capsys, root, "--check", "--objects", "Lead")
    assert code == 1
    assert snapshot(root) == before
    assert err.strip() == "email-privacy: error: 2 target layout(s) lack the Individual field"
    assert "lacks the field:" in out and "6 skipped" in out
    assert run(capsys, root, "--objects", "Lead")[0] == 0
    code, out, _ = run(capsys, root, "--check", "--objects", "lead")
    assert code == 0 and out.strip() == "0 would change, 2 already had the field, 6 skipped as other objects"


def test_behavior_and_position(tmp_path, capsys):
    root = tree(tmp_path)
    code, _, _ = run(
        capsys, root, "--objects", "Contact", "--behavior", "readonly", "--position", "end_of_first_section"
    )
    assert code == 0
    new = (
        root / "main/default/layouts" / "Contact-FinServ__Contact %28Individual%29 Layout.layout-meta.xml"
    ).read_bytes()
    assert b"<behavior>Readonly</behavior>\n                <field>IndividualId</field>" in new
    # end_of_first_section: after AccountId, the first column's last item, not after the opt-out.
    assert new.index(b"IndividualId") < new.index(b"HasOptedOutOfEmail")


def test_single_file_path(tmp_path, capsys):
    path = tree(tmp_path) / "main/default/layouts/Contact-acme__Contact %28Sales%29.layout"
    code, out, _ = run(capsys, path)
    assert code == 0 and out.strip().endswith("1 changed, 0 already had the field, 0 skipped as other objects")


@pytest.mark.parametrize("bad", ["hostile", "truncated", "not a layout", "no hyphen"])
def test_one_bad_file_changes_no_file(tmp_path, capsys, bad):
    root = tree(tmp_path)
    folder = root / "main/default/layouts"
    content = {
        "hostile": b'<?xml version="1.0"?><!DOCTYPE L [<!ENTITY x SYSTEM "file:///etc/passwd">]><Layout>&x;</Layout>',
        "truncated": CASES["one column, no opt-out"][1][:200],
        "not a layout": b'<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata"/>',
        "no hyphen": CASES["one column, no opt-out"][1],
    }[bad]
    name = "ContactLayout.layout" if bad == "no hyphen" else "Lead-Zzz Bad.layout"
    (folder / name).write_bytes(content)
    assert_refused_whole(capsys, run, root, name)


def assert_refused_whole(capsys, run, root, name):
    """A run over a tree holding one bad file `name`: exit 1, one line naming it, no file changed, no traceback."""
    before = snapshot(root)
    code, out, err = run(capsys, root)
    assert code == 1
    assert snapshot(root) == before, f"a file was changed although {name} was bad"
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("email-privacy: error: ") and name in lines[0]
    assert lines[0].endswith("; no file was changed")
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(
    "args, message",
    [
        (["--objects", "Account"], "Option --objects: Account not allowed; use any of Contact, Lead, PersonAccount."),
        (["--objects", ","], "Option --objects: give at least one of Contact, Lead, PersonAccount."),
        (["--behavior", "Required"], "Option --behavior: 'Required' is not allowed; use one of Edit, Readonly."),
        (
            ["--position", "top"],
            "Option --position: 'top' is not allowed; use one of after_email_opt_out, end_of_first_section.",
        ),
        (["--dry-run", "--check"], "--dry-run and --check cannot be used together; choose one."),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, args, message):
    assert_usage_error(capsys, run, tree(tmp_path), args, message)


def assert_usage_error(capsys, run, root, args, message):
    """Bad arguments: exit 2, the one line `message`, nothing changed."""
    before = snapshot(root)
    code, out, err = run(capsys, root, *args)
    assert code == 2
    assert err == f"email-privacy: error: {message}\n" and out == ""
    assert snapshot(root) == before


def test_missing_path_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, tmp_path / "nope")
    assert code == 2 and "nope" in err and len(err.strip().splitlines()) == 1


def test_realworld_tree(realworld, tmp_path, capsys, xsd):
    root = tmp_path / "layouts"
    shutil.copytree(realworld / "layouts", root)
    before = {p: p.read_bytes() for p in root.rglob("*") if names.is_layout_file(p.name)}
    code, out, _ = run(capsys, root)
    assert code == 0
    changed = already = others = 0
    for path, old in before.items():
        new = path.read_bytes()
        obj = names.layout_object(names.full_name_from_path(path.name))
        if obj not in layouts.TARGET_OBJECTS:
            assert new == old, path
            others += 1
        elif new == old:
            assert layouts.has_field(documents.parse(old, str(path)), layouts.INDIVIDUAL_FIELD[obj])
            already += 1
        else:
            assert minus_inserted(new, layouts.INDIVIDUAL_FIELD[obj]) == old, path
            assert xsd.validate(documents.parse(new, str(path)).getroot()), path
            changed += 1
    assert out.strip().splitlines()[-1] == (
        f"{changed} changed, {already} already had the field, {others} skipped as other objects"
    )
    assert changed >= 15 and others >= 4


def installed_runs(command: str, root: Path):
    """`email-privacy COMMAND ROOT` as a user runs it (real process): --check, then a real run, then a bad option."""
    exe = Path(sys.executable).parent / "email-privacy"
    if not exe.exists():
        pytest.skip(f"{exe} is not installed")
    return [
        subprocess.run([str(exe), command, str(root), *args], capture_output=True, text=True, timeout=60)
        for args in (["--check"], [], ["--objects", "Foo"])
    ]


def test_installed_command_runs(tmp_path):
    """The console script: exit codes, stdout/stderr."""
    check, done, bad = installed_runs("layouts", tree(tmp_path))
    assert check.returncode == 1 and "6 would change" in check.stdout
    assert done.returncode == 0
    assert done.stdout.strip().endswith("6 changed, 0 already had the field, 2 skipped as other objects")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


@pytest.mark.parametrize("mode", [[], ["--check"], ["--dry-run"]])
@pytest.mark.parametrize("content", ["empty", "other objects only", "pages only"])
def test_a_folder_without_target_layouts_exits_2_with_one_line(tmp_path, capsys, mode, content):
    """A CI gate pointed at the wrong folder must fail, not pass on "0 would change"."""
    root = tmp_path / "src"
    root.mkdir()
    if content == "other objects only":
        for name, case in OTHERS.items():
            (root / name).write_bytes(CASES[case][1])
    elif content == "pages only":
        (root / "Contact_Record_Page.flexipage-meta.xml").write_text("<FlexiPage/>")
    message = (
        f"nothing found under {root}: no layout file of Contact, Lead, PersonAccount "
        "(*.layout, *.layout-meta.xml); nothing was changed."
    )
    assert_usage_error(capsys, run, root, mode, message)


def test_objects_that_no_layout_of_the_folder_belongs_to_exit_2(tmp_path, capsys):
    root = tmp_path / "src"
    root.mkdir()
    (root / "Contact-Contact Layout.layout").write_bytes(CASES["one column, no opt-out"][1])
    message = f"nothing found under {root}: no layout file of Lead (*.layout, *.layout-meta.xml); nothing was changed."
    assert_usage_error(capsys, run, root, ["--objects", "Lead", "--check"], message)

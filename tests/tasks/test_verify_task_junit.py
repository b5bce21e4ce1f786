"""verify_email_privacy's junit and summary options: written before the task fails, owner-only, bad paths
refused. Against the in-process local org."""

import stat

import pytest
from lxml import etree

from email_privacy.errors import OptionError, OrgError
from tests.harness import inprocess_task
from tests.tasks.test_prerequisites_task import LAYOUT, OFF, ON, WITH_FIELD, local_org, settings_task
from tests.tasks.test_verify_task import make, org, state  # noqa: F401 (org is a fixture)


def test_junit_and_summary_of_a_configured_org(org, tmp_path):  # noqa: F811
    junit_path, summary_path = tmp_path / "out" / "junit.xml", tmp_path / "out" / "summary.md"
    make(org, {"org_state": state(ON, WITH_FIELD), "junit": str(junit_path), "summary": str(summary_path)})()
    root = etree.parse(str(junit_path)).getroot()
    assert root.get("tests") == "6" and root.get("failures") == "0"  # four settings, two layouts
    assert root.find("testsuite").get("name") == "inprocess"  # the org's name
    assert summary_path.read_text().startswith("### Email privacy: inprocess is configured")
    for path in (junit_path, summary_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_files_are_written_before_an_unconfigured_org_fails(tmp_path):
    junit_path, summary_path = tmp_path / "junit.xml", tmp_path / "summary.md"
    with local_org(tmp_path, person_accounts=False) as unconfigured:
        inprocess_task(unconfigured, settings_task.DeployEmailPrivacySettings, {"backoff": "0"})()  # settings only
        with pytest.raises(OrgError):
            options = {"org_state": state(OFF, LAYOUT), "junit": str(junit_path), "summary": str(summary_path)}
            make(unconfigured, options)()
    failures = etree.parse(str(junit_path)).getroot().findall(".//failure")
    assert sorted(f.getparent().get("name") for f in failures) == ["Contact Layout", "Lead Layout"]
    assert "NOT configured (2 of 6 items need action)" in summary_path.read_text()


@pytest.mark.parametrize(
    "options, words",
    [
        ({"junit": "."}, "Option junit: . is a folder; give the path of a JUnit XML file to write."),
        ({"summary": "."}, "Option summary: . is a folder; give the path of a Markdown file to write."),
        ({"junit": "x.xml", "summary": "./x.xml"}, "Options junit and summary: both name"),
        ({"report": "r.json", "junit": "r.json"}, "Options report and junit: both name"),
    ],
)
def test_bad_paths_one_line_and_nothing_written(tmp_path, monkeypatch, options, words):
    work = tmp_path / "work"
    work.mkdir()
    with local_org(tmp_path / "o") as org:  # noqa: F811
        monkeypatch.chdir(work)
        with pytest.raises(OptionError) as err:
            make(org, options)
    assert words in str(err.value) and "\n" not in str(err.value)
    assert list(work.iterdir()) == []


def test_a_file_where_a_folder_should_be(tmp_path):
    (tmp_path / "taken").write_text("")
    with local_org(tmp_path / "o") as org, pytest.raises(OptionError) as err:  # noqa: F811
        make(org, {"summary": str(tmp_path / "taken" / "summary.md")})
    assert "is not a folder; give the path of a Markdown file to write." in str(err.value)

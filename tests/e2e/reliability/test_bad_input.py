"""The bad-input catalogue. Every option of every task, with bad values, one test per entry.

Each entry: the task, the options given, then words the one-line message must hold: the option's name,
the value given, and what is allowed. The task is built as cci builds it (create_task) inside a
`responses` mock that fails on any HTTP call; the test asserts no call was made and no file was written.
A few entries also go through the real `cci task run` against one local org, to show cci prints that one
line and no traceback, and that the org saw no request beyond cci's own connection handshake.
"""

import pytest
import responses
from cumulusci.tasks.salesforce.tests.util import create_task

from email_privacy.errors import OptionError
from tests.conftest import import_task
from tests.harness import api_requests, cci_task, error_line, org_files

TASKS = {
    "check_email_privacy_prerequisites": ("prerequisites", "CheckEmailPrivacyPrerequisites"),
    "deploy_email_privacy_settings": ("settings", "DeployEmailPrivacySettings"),
    "deploy_email_privacy_permission_set": ("permission_set", "DeployEmailPrivacyPermissionSet"),
    "add_individual_field_to_layouts": ("layouts", "AddIndividualFieldToLayouts"),
    "restore_layouts": ("layouts", "RestoreLayouts"),
    "verify_email_privacy": ("verify", "VerifyEmailPrivacy"),
    "set_individual_privacy": ("individuals", "SetIndividualPrivacy"),
}
SELECT = {"contacts_where": "Email != null"}  # set_individual_privacy needs a choice of records
TRACK = {**SELECT, "dont_track": "true"}
BOOL = "true or false"
NUMBER_OF_SECONDS = "number of seconds from 0 to 600"

# (task, options, words the message must contain: option, value, what is allowed)
CATALOGUE = [
    (
        "check_email_privacy_prerequisites",
        {"allow_unknown_edition": "maybe"},
        ["allow_unknown_edition", "'maybe'", BOOL],
    ),
    (
        "check_email_privacy_prerequisites",
        {"enhanced_email": "sometimes"},
        ["enhanced_email", "'sometimes'", "auto, true, false"],
    ),
    ("check_email_privacy_prerequisites", {"email_tracking": "often"}, ["email_tracking", "'often'", BOOL]),
    # Not an option of the prerequisites (deploy_email_privacy_settings has it): refused as a name.
    (
        "check_email_privacy_prerequisites",
        {"consent_management": "false"},
        ["consent_management", "no such option", "Its options: allow_unknown_edition"],
    ),
    ("check_email_privacy_prerequisites", {"dry_rn": "true"}, ["dry_rn", "no such option", "did you mean dry_run?"]),
    (
        "add_individual_field_to_layouts",
        {"postion": "end_of_first_section"},
        ["postion", "did you mean position?"],
    ),
    (
        "check_email_privacy_prerequisites",
        {"objects": "Contact,Case"},
        ["objects", "Case", "Contact, Lead, PersonAccount"],
    ),
    ("check_email_privacy_prerequisites", {"dry_run": "perhaps"}, ["dry_run", "'perhaps'", BOOL]),
    ("check_email_privacy_prerequisites", {"api_version": "abc"}, ["api_version", "'abc'", "a number like 63.0"]),
    ("check_email_privacy_prerequisites", {"retries": "x"}, ["retries", "'x'", "whole number"]),
    ("check_email_privacy_prerequisites", {"retries": "-2"}, ["retries", "-2", "from 0 to 10"]),
    ("deploy_email_privacy_settings", {"enhanced_email": "junk"}, ["enhanced_email", "'junk'", "auto, true, false"]),
    ("deploy_email_privacy_settings", {"email_tracking": "2"}, ["email_tracking", "'2'", BOOL]),
    (
        "deploy_email_privacy_settings",
        {"consent_management": "false"},
        ["consent_management", "false is not allowed", "purge"],
    ),
    (
        "deploy_email_privacy_settings",
        {"consent_management": "no"},
        ["consent_management", "false is not allowed", "purge"],
    ),
    ("deploy_email_privacy_settings", {"dry_run": "x"}, ["dry_run", "'x'", BOOL]),
    ("deploy_email_privacy_settings", {"check_only": "yes!"}, ["check_only", "'yes!'", BOOL]),
    ("deploy_email_privacy_settings", {"api_version": "v63"}, ["api_version", "'v63'", "a number like 63.0"]),
    ("deploy_email_privacy_settings", {"api_version": "12.0"}, ["api_version", "'12.0'", "a number like 63.0"]),
    ("deploy_email_privacy_settings", {"retries": "11"}, ["retries", "11", "from 0 to 10"]),
    ("deploy_email_privacy_settings", {"retries": "abc"}, ["retries", "'abc'", "whole number"]),
    ("deploy_email_privacy_settings", {"backoff": "soon"}, ["backoff", "'soon'", NUMBER_OF_SECONDS]),
    ("deploy_email_privacy_settings", {"poll_interval": "-2"}, ["poll_interval", "'-2'", NUMBER_OF_SECONDS]),
    ("deploy_email_privacy_settings", {"org_state": "{}"}, ["org_state", "only the flow passes it", "leave it out"]),
    ("deploy_email_privacy_permission_set", {"path": "no/such/folder"}, ["path", "no/such/folder", "existing folder"]),
    ("deploy_email_privacy_permission_set", {"path": "{empty}"}, ["path", "{empty}", "holds no"]),
    ("deploy_email_privacy_permission_set", {"dry_run": "sure"}, ["dry_run", "'sure'", BOOL]),
    (
        "deploy_email_privacy_permission_set",
        {"api_version": "latest"},
        ["api_version", "'latest'", "a number like 63.0"],
    ),
    ("deploy_email_privacy_permission_set", {"retries": "-1"}, ["retries", "-1", "from 0 to 10"]),
    (
        "add_individual_field_to_layouts",
        {"objects": "Contact,Opportunity"},
        ["objects", "Opportunity", "Contact, Lead, PersonAccount"],
    ),
    (
        "add_individual_field_to_layouts",
        {"layouts": "Account-Account Layout"},
        ["layouts", "'Account-Account Layout'", "Object-Layout Name"],
    ),
    (
        "add_individual_field_to_layouts",
        {"layouts": "Contact Layout"},
        ["layouts", "'Contact Layout'", "Object-Layout Name"],
    ),
    (
        "add_individual_field_to_layouts",
        {"layouts": "Contact-Contact Layout", "objects": "Lead"},
        ["objects and layouts", "one or the other"],
    ),
    ("add_individual_field_to_layouts", {"behavior": "Required"}, ["behavior", "'Required'", "Edit, Readonly"]),
    (
        "add_individual_field_to_layouts",
        {"position": "top"},
        ["position", "'top'", "after_email_opt_out, end_of_first_section"],
    ),
    ("add_individual_field_to_layouts", {"dry_run": "maybe"}, ["dry_run", "'maybe'", BOOL]),
    ("add_individual_field_to_layouts", {"check_only": "2"}, ["check_only", "'2'", BOOL]),
    ("add_individual_field_to_layouts", {"api_version": "sixty"}, ["api_version", "'sixty'", "a number like 63.0"]),
    ("add_individual_field_to_layouts", {"backoff": "700"}, ["backoff", "'700'", NUMBER_OF_SECONDS]),
    ("add_individual_field_to_layouts", {"backoff": "-1"}, ["backoff", "-1", NUMBER_OF_SECONDS]),
    (
        "add_individual_field_to_layouts",
        {"snapshot_dir": "{file}"},
        ["snapshot_dir", "{file}", "is a file; use a folder"],
    ),
    ("restore_layouts", {"snapshot_dir": "{file}"}, ["snapshot_dir", "{file}", "is a file; use a folder"]),
    ("restore_layouts", {"snapshot": "no/such/snapshot"}, ["snapshot", "no/such/snapshot", "existing folder"]),
    ("restore_layouts", {"snapshot": "{empty}"}, ["snapshot", "{empty}", "not a snapshot folder"]),
    ("restore_layouts", {"dry_run": "nope!"}, ["dry_run", "'nope!'", BOOL]),
    ("restore_layouts", {"check_only": "t"}, ["check_only", "'t'", BOOL]),
    ("restore_layouts", {"poll_interval": "soon"}, ["poll_interval", "'soon'", NUMBER_OF_SECONDS]),
    ("restore_layouts", {"api_version": "63.x"}, ["api_version", "'63.x'", "a number like 63.0"]),
    ("verify_email_privacy", {"report": "{empty}"}, ["report", "{empty}", "folder"]),
    ("verify_email_privacy", {"objects": "Opportunity"}, ["objects", "Opportunity", "Contact, Lead, PersonAccount"]),
    ("verify_email_privacy", {"enhanced_email": "always"}, ["enhanced_email", "'always'", "auto, true, false"]),
    ("verify_email_privacy", {"email_tracking": "often"}, ["email_tracking", "'often'", BOOL]),
    ("verify_email_privacy", {"dry_run": "2"}, ["dry_run", "'2'", BOOL]),
    ("verify_email_privacy", {"api_version": "abc"}, ["api_version", "'abc'", "a number like 63.0"]),
    ("set_individual_privacy", SELECT, ["dont_track", "dont_process"]),
    ("set_individual_privacy", {**SELECT, "dont_track": "yes please"}, ["dont_track", "'yes please'", BOOL]),
    ("set_individual_privacy", {**SELECT, "dont_process": "x"}, ["dont_process", "'x'", BOOL]),
    ("set_individual_privacy", {"dont_track": "true"}, ["csv", "contacts_where", "where condition"]),
    ("set_individual_privacy", {"dont_track": "true", "csv": "missing.csv"}, ["csv", "missing.csv", "existing file"]),
    ("set_individual_privacy", {"dont_track": "true", "csv": "{names.csv}"}, ["csv", "email", "id"]),
    (
        "set_individual_privacy",
        {"dont_track": "true", "csv": "{bad_object.csv}"},
        ["object", "Opportunity", "Contact, Lead"],
    ),
    ("set_individual_privacy", {**TRACK, "csv": "{emails.csv}"}, ["csv", "contacts_where"]),
    ("set_individual_privacy", {**TRACK, "bulk_threshold": "lots"}, ["bulk_threshold", "'lots'", "whole number"]),
    ("set_individual_privacy", {**TRACK, "bulk_threshold": "0"}, ["bulk_threshold", "0", "whole number from"]),
    ("set_individual_privacy", {**TRACK, "retries": "99"}, ["retries", "99", "from 0 to 10"]),
    ("set_individual_privacy", {**TRACK, "report": "{empty}"}, ["report", "{empty}", "folder"]),
    ("set_individual_privacy", {**TRACK, "dry_run": "perhaps"}, ["dry_run", "'perhaps'", BOOL]),
]


def materialise(value: str, tmp_path) -> str:
    """`{empty}` is an empty folder; `{file}` a plain file; `{x.csv}` a CSV file of that kind; other values
    are used as they are."""
    files = {
        "names.csv": "name\nAva\n",
        "bad_object.csv": "email,object\nava@example.com,Opportunity\n",
        "emails.csv": "email\nava@example.com\n",
        "file": "not a folder\n",
    }
    if value == "{empty}":
        folder = tmp_path / "empty"
        folder.mkdir(exist_ok=True)
        return str(folder)
    if value.startswith("{") and value[1:-1] in files:
        path = tmp_path / value[1:-1]
        path.write_text(files[value[1:-1]], encoding="utf-8")
        return str(path)
    return value


@pytest.mark.parametrize(
    "task, options, words",
    CATALOGUE,
    ids=[f"{t}-{'-'.join(f'{k}={v}' for k, v in o.items())}" for t, o, _ in CATALOGUE],
)
def test_bad_option_is_refused_in_one_line_naming_it_before_any_call(task, options, words, tmp_path, monkeypatch):
    module, name = TASKS[task]
    task_class = getattr(import_task(module), name)
    given = {k: materialise(v, tmp_path) for k, v in options.items()}
    words = [materialise(w, tmp_path) for w in words]
    monkeypatch.chdir(tmp_path)  # anything written by mistake would land here
    before = sorted(tmp_path.rglob("*"))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        with pytest.raises(OptionError) as err:
            create_task(task_class, given)
        assert len(mock.calls) == 0
    message = str(err.value)
    assert "\n" not in message and "Option" in message
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"
    assert sorted(tmp_path.rglob("*")) == before


@pytest.fixture(scope="module")
def org(module_local_org):
    """One org for the real-cci entries: none may change it or call it."""
    return module_local_org()


@pytest.mark.parametrize(
    "task, option, value, words",
    [
        ("deploy_email_privacy_settings", "consent_management", "false", ["purge"]),
        ("add_individual_field_to_layouts", "position", "top", ["after_email_opt_out"]),
        ("restore_layouts", "snapshot", "no/such/snapshot", ["existing folder"]),
        ("verify_email_privacy", "objects", "Case", ["Contact, Lead, PersonAccount"]),
    ],
)
def test_bad_option_through_the_real_cci_prints_one_line_and_touches_nothing(org, task, option, value, words):
    before, seen = org_files(org), len(org.requests())
    line = error_line(cci_task(org, task, option, value))
    assert f"Option {option}" in line and value in line and all(w in line for w in words)
    assert api_requests(org, seen) == [] and org_files(org) == before

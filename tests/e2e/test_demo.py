"""`make demo`: a throwaway local org, the main flow with the real cci, what changed, the org stopped."""

import re
from pathlib import Path

from email_privacy.cli.demo import describe_changes
from tests.harness import run_demo

SETTINGS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<%s xmlns="http://soap.sforce.com/2006/04/metadata"><%s>%s</%s></%s>\n'
)


def settings(kind, field, value):
    return SETTINGS % (kind.encode(), field.encode(), value, field.encode(), kind.encode())


def test_describe_changes_names_switches_layouts_and_new_components():
    layout = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Layout xmlns="http://soap.sforce.com/2006/04/metadata">'
        b"<layoutSections><layoutColumns>%s</layoutColumns><style>OneColumn</style></layoutSections></Layout>\n"
    )
    item = b"<layoutItems><behavior>Edit</behavior><field>IndividualId</field></layoutItems>"
    before = {
        "settings/PartyDataModel.settings": settings("PartyDataModelSettings", "enableConsentManagement", b"false"),
        "layouts/Contact-Contact %28Sales%29 Layout.layout": layout % b"",
        "layouts/Account-Account Layout.layout": layout % b"",
    }
    after = {
        **before,
        "settings/PartyDataModel.settings": settings("PartyDataModelSettings", "enableConsentManagement", b"true"),
        "layouts/Contact-Contact %28Sales%29 Layout.layout": layout % item,
        "permissionsets/X.permissionset": b"<PermissionSet/>",
    }
    assert describe_changes(before, after) == [
        "setting  Data Protection and Privacy: Make data protection details available in records "
        "(PartyDataModelSettings.enableConsentManagement): off -> on",
        "layout   Contact-Contact (Sales) Layout: IndividualId added (Edit)",
        "created  permissionsets/X.permissionset",
    ]
    assert describe_changes(after, after) == []


def test_demo_runs_the_flow_and_reports_what_changed():
    result = run_demo()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    state = re.search(r"state in (\S+),", out).group(1)
    assert "Completed flow 'enable_individual_email_tracking' on org sim successfully" in out + result.stderr
    changes = out.split("What changed in the org:")[1].splitlines()
    assert any("PartyDataModelSettings.enableConsentManagement): off -> on" in line for line in changes)
    assert any("EmailAdministrationSettings.enableEmailConsentManagement): off -> on" in line for line in changes)
    assert sum("IndividualId added (Edit)" in line for line in changes) >= 8
    assert any("PersonIndividualId added" in line for line in changes)
    assert any("created  permissionsets/Email_Privacy_Individual_Access.permissionset" in line for line in changes)
    # The org was a throwaway: its folder is gone once the demo ends (and with it the server's state).
    assert not Path(state).exists()

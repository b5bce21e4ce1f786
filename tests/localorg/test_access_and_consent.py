"""Profiles, permission sets, their permissions and assignments, and the Consent API, as simple-salesforce
(a real client) reads and writes them through the in-process local org."""

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError

from localorg.models.org import SeedOptions
from tests.inprocess_org import deploy, serve

PERMSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <fieldPermissions><editable>true</editable><field>Individual.HasOptedOutTracking</field>
        <readable>true</readable></fieldPermissions>
    <label>Reps</label>
    <objectPermissions><allowCreate>false</allowCreate><allowDelete>false</allowDelete><allowEdit>true</allowEdit>
        <allowRead>true</allowRead><modifyAllRecords>false</modifyAllRecords><object>Individual</object>
        <viewAllRecords>false</viewAllRecords></objectPermissions>
</PermissionSet>
"""


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path, seed=SeedOptions(contacts=3, leads=2, rep_users=3, rep_access="read")) as o:
        yield o


def sf(org):
    return Salesforce(instance_url=org.base_url, session_id=org.sessions.issue(), version="63.0")


def test_profiles_users_and_profile_permission_sets(org):
    client = sf(org)
    users = client.query("SELECT Id, Username, Profile.Name FROM User WHERE IsActive = true")["records"]
    assert sorted(u["Profile"]["Name"] for u in users) == ["Standard User"] * 3 + ["System Administrator"]
    sets = client.query("SELECT Id, Label, IsOwnedByProfile, Profile.Name FROM PermissionSet")["records"]
    assert {(s["Label"], s["IsOwnedByProfile"], s["Profile"]["Name"]) for s in sets} == {
        ("System Administrator", True, "System Administrator"),
        ("Standard User", True, "Standard User"),
    }
    edits = client.query(
        "SELECT Parent.Label, Field FROM FieldPermissions WHERE SobjectType = 'Individual' AND PermissionsEdit = true"
    )["records"]
    assert {r["Parent"]["Label"] for r in edits} == {"System Administrator"}  # Standard User may only read
    reads = client.query(
        "SELECT ParentId FROM ObjectPermissions WHERE SobjectType = 'Individual' AND PermissionsRead = true"
    )
    assert reads["totalSize"] == 2
    held = client.query("SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = true")
    assert held["totalSize"] == 4  # every user holds their profile's set


def test_deployed_permission_set_becomes_records_and_can_be_assigned(org):
    deploy(org, {"permissionsets/Reps.permissionset": PERMSET})
    client = sf(org)
    (ps,) = client.query("SELECT Id, Label, IsOwnedByProfile FROM PermissionSet WHERE Name = 'Reps'")["records"]
    assert (ps["Label"], ps["IsOwnedByProfile"]) == ("Reps", False)
    fields = client.query(f"SELECT Field, PermissionsEdit FROM FieldPermissions WHERE ParentId = '{ps['Id']}'")
    assert [(r["Field"], r["PermissionsEdit"]) for r in fields["records"]] == [("Individual.HasOptedOutTracking", True)]
    rep = client.query("SELECT Id FROM User WHERE Username = 'rep1@emailprivacy.localorg'")["records"][0]
    created = client.PermissionSetAssignment.create({"AssigneeId": rep["Id"], "PermissionSetId": ps["Id"]})
    assert created["success"] and created["id"].startswith("0Pa")
    q = f"SELECT Assignee.Username FROM PermissionSetAssignment WHERE PermissionSetId = '{ps['Id']}'"
    assert [r["Assignee"]["Username"] for r in client.query(q)["records"]] == ["rep1@emailprivacy.localorg"]
    deploy(org, {"permissionsets/Reps.permissionset": PERMSET.replace(b"<label>Reps", b"<label>Reps 2")})
    assert client.query("SELECT Label FROM PermissionSet WHERE Name = 'Reps'")["records"][0]["Label"] == "Reps 2"
    with pytest.raises(SalesforceError):  # only assignments are written through the API
        client.PermissionSet.create({"Name": "X", "Label": "X"})


def test_consent_track_and_process_least_permissive_across_linked_records(org):
    client = sf(org)
    contact, other, _ = list(org.records.rows("Contact"))
    lead = next(org.records.rows("Lead"))
    (ind,) = org.records.insert_raw("Individual", [{"LastName": "Shared", "HasOptedOutTracking": 1}])
    for obj, rid in (("Contact", contact["Id"]), ("Lead", lead["Id"])):
        org.records.db.execute(f'UPDATE "{obj}" SET IndividualId = ? WHERE Id = ?', (ind, rid))
    (free,) = org.records.insert_raw("Individual", [{"LastName": "Free"}])
    org.records.db.execute('UPDATE "Contact" SET IndividualId = ? WHERE Id = ?', (free, other["Id"]))
    ids = ",".join([contact["Id"], lead["Email"], other["Id"], ind])
    track = client.restful(f"consent/action/track?ids={ids}")
    assert track[contact["Id"]] == {"result": "Success", "proceed": {"track": "false", "trackResult": "Success"}}
    assert track[lead["Email"]]["proceed"]["track"] == "false" and track[ind]["proceed"]["track"] == "false"
    assert track[other["Id"]]["proceed"]["track"] == "true"
    process = client.restful(f"consent/action/process?ids={contact['Id']}&verbose=true")[contact["Id"]]
    assert process["proceed"]["process"] == "true"
    assert process["explanation"] == [
        {"objectConsulted": "Individual", "field": "HasOptedOutProcessing", "recordId": ind, "value": "false"}
    ]
    both = client.restful(f"consent/multiaction?actions=track,process&ids={other['Id']}")[other["Id"]]["proceed"]
    assert (both["track"], both["process"]) == ("true", "true")
    # The third contact has no Individual: nothing to consult, no go.
    third = list(org.records.rows("Contact"))[2]
    assert client.restful(f"consent/action/track?ids={third['Id']}")[third["Id"]]["proceed"]["track"] == "false"
    # A converted lead is not consulted.
    org.records.db.execute('UPDATE "Lead" SET IsConverted = 1 WHERE Id = ?', (lead["Id"],))
    assert client.restful(f"consent/action/track?ids={lead['Id']}")[lead["Id"]]["proceed"]["track"] == "false"


@pytest.mark.parametrize(
    "path, status, words",
    [
        ("consent/action/email?ids=a@b.c", 501, "NOT_MODELLED_BY_LOCAL_ORG"),
        ("consent/action/jump?ids=a@b.c", 400, "not a consent action"),
        ("consent/action/track", 400, "ids"),
        ("consent/action/track?ids=a@b.c&aggregatedConsent=true", 501, "aggregatedConsent"),
    ],
)
def test_consent_refusals_in_its_own_words(org, path, status, words):
    with pytest.raises(SalesforceError) as err:
        sf(org).restful(path)
    assert err.value.status == status and words in str(err.value.content)

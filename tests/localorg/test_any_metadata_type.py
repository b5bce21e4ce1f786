"""The metadata store keeps any single-file metadata type deployed to it and serves it back (listMetadata,
retrieve, readMetadata), judged by the schema; standard profiles and objects are there from the start."""

import io
import zipfile

from simple_salesforce import Salesforce

from localorg import inprocess
from localorg.xml import API_VERSION, MDAPI_NS, package_xml

LABELS = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<CustomLabels xmlns="{MDAPI_NS}">\n    <labels>\n'
    "        <fullName>Greeting</fullName>\n        <language>en_US</language>\n        <protected>false</protected>\n"
    "        <shortDescription>Greeting</shortDescription>\n        <value>Hello</value>\n    </labels>\n"
    "</CustomLabels>\n"
).encode()


def _zip(members: dict, files: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("package.xml", package_xml(members, API_VERSION))
        for path, data in files.items():
            zf.writestr(path, data)
    return buf.getvalue()


def test_a_type_the_org_does_not_model_is_kept_and_served_back(tmp_path):
    with inprocess.serve(tmp_path / "org") as org:
        sf = Salesforce(instance_url=org.base_url, session_id=org.sessions.issue(), version="63.0")
        assert org.metadata.list_metadata("CustomLabels") == []
        outcome = org.metadata.deploy(_zip({"CustomLabels": ["CustomLabels"]}, {"labels/CustomLabels.labels": LABELS}))
        assert outcome.status == "Succeeded", [c.problem for c in outcome.failures]
        assert org.metadata.read("CustomLabels", "CustomLabels") == LABELS
        assert [e["fileName"] for e in org.metadata.list_metadata("CustomLabels")] == ["labels/CustomLabels.labels"]
        retrieved = org.metadata.retrieve({"CustomLabels": ["*"], "Profile": ["Admin"]})
        names = zipfile.ZipFile(io.BytesIO(retrieved.zip_bytes)).namelist()
        assert {"unpackaged/labels/CustomLabels.labels", "unpackaged/profiles/Admin.profile"} <= set(names)
        read = sf.mdapi.CustomLabels.read("CustomLabels")
        assert read.fullName == "CustomLabels" and read.labels[0].value == "Hello"
        # Out of schema order, it is refused as Salesforce refuses it, and nothing changes.
        bad = LABELS.replace(b"<language>en_US</language>\n", b"").replace(
            b"</value>", b"</value><language>en_US</language>"
        )
        refused = org.metadata.deploy(_zip({"CustomLabels": ["CustomLabels"]}, {"labels/CustomLabels.labels": bad}))
        assert (
            refused.status == "Failed" and "invalid at this location in type CustomLabel" in refused.failures[0].problem
        )
        assert org.metadata.read("CustomLabels", "CustomLabels") == LABELS


def test_a_file_no_package_xml_type_names_is_refused(tmp_path):
    with inprocess.serve(tmp_path / "org") as org:
        outcome = org.metadata.deploy(_zip({"CustomTab": ["X"]}, {"labels/CustomLabels.labels": LABELS}))
        assert outcome.status == "Failed" and any("Unknown file labels/" in (c.problem or "") for c in outcome.failures)
        assert org.metadata.members("CustomLabels") == []


def test_standard_profiles_and_objects_are_there(tmp_path):
    with inprocess.serve(tmp_path / "org", person_accounts=True) as org:
        assert org.metadata.members("Profile") == ["Admin", "Standard"]
        assert set(org.metadata.members("CustomObject")) >= {"Account", "Contact", "Lead"}
        admin = org.metadata.read("Profile", "Admin")
        assert b"<field>Contact.Email</field>" in admin and b"<name>ModifyAllData</name>" in admin
        standard = org.metadata.read("Profile", "Standard")
        assert b"<editable>true</editable>" not in standard and b"<name>ModifyAllData</name>" not in standard

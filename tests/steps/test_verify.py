"""Verification rows, verdicts and the one-line failure, over real layout XML."""

import pytest

from email_privacy.errors import OrgError
from email_privacy.metadata.settings import CONSENT, EMAIL_CONSENT, EMAIL_TRACKING, ENHANCED_EMAIL
from email_privacy.options.settings import SettingsOptions
from email_privacy.steps import verify
from email_privacy.steps.verdict import configured, setting_rows, verdict
from localorg.models.seed.flexipages import seed_pages
from tests.steps.reads import org_read

NS = "http://soap.sforce.com/2006/04/metadata"


def layout(*fields: str) -> bytes:
    items = "".join(f"<layoutItems><behavior>Edit</behavior><field>{f}</field></layoutItems>" for f in fields)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Layout xmlns="{NS}"><layoutSections><label>Information</label>'
        f"<layoutColumns>{items}</layoutColumns><style>OneColumn</style></layoutSections></Layout>"
    ).encode()


ALL_ON = {
    "PartyDataModelSettings": {"enableConsentManagement": True},
    "EmailAdministrationSettings": {"enableEmailConsentManagement": True, "enableEnhancedEmailEnabled": True},
    "ActivitiesSettings": {"enableEmailTracking": True},
    "LightningExperienceSettings": {"enableS1DesktopEnabled": True},
}
GOOD_LAYOUTS = {
    "Contact-Contact Layout": layout("Name", "HasOptedOutOfEmail", "IndividualId"),
    "Contact-Contact %28Marketing%29 Layout": layout("Name", "IndividualId"),
    "Lead-Lead Layout": layout("IndividualId"),
    "PersonAccount-Person Account Layout": layout("PersonIndividualId"),
    "Account-Account Layout": layout("Name"),  # not a target: ignored
}
OBJECTS = ["Contact", "Lead", "PersonAccount"]


def rows_for(settings, layouts, objects=OBJECTS, **options):
    read = org_read(objects, layouts, settings=settings)
    return list(verdict(read, objects, SettingsOptions.from_options(options)).rows)


def test_configured_org_passes_with_a_row_per_setting_and_target_layout():
    rows = rows_for(ALL_ON, GOOD_LAYOUTS)
    assert configured(rows)
    verify.raise_unless_configured(rows)
    assert [r.kind for r in rows] == ["Setting"] * 4 + ["Layout"] * 4
    names = [r.name for r in rows if r.kind == "Layout"]
    assert "Contact (Marketing) Layout" in names  # decoded, as Setup shows it
    assert "Account Layout" not in names
    assert all(r.verdict == "OK" for r in rows)


def test_setting_off_fails_naming_it():
    settings = {
        **ALL_ON,
        "EmailAdministrationSettings": {"enableEmailConsentManagement": False, "enableEnhancedEmailEnabled": True},
    }
    rows = rows_for(settings, GOOD_LAYOUTS)
    with pytest.raises(OrgError) as err:
        verify.raise_unless_configured(rows)
    msg = str(err.value)
    assert "Enforce email privacy settings is off" in msg and "\n" not in msg
    assert [r.verdict for r in rows if r.kind == "Setting"] == ["OK", "MISSING", "OK", "OK"]


def test_layout_without_field_fails_naming_it_and_its_object():
    layouts = {**GOOD_LAYOUTS, "Lead-Lead %28Sales%29 Layout": layout("Name", "HasOptedOutOfEmail")}
    rows = rows_for(ALL_ON, layouts)
    msg = verify.failure_message(rows)
    assert "1 layout(s) lack the Individual field: Lead (Sales) Layout (Lead)" in msg
    bad = [r for r in rows if not r.ok]
    assert [(r.object, r.state) for r in bad] == [("Lead", "lacks IndividualId")]


def test_person_account_layout_needs_person_individual_id_not_individual_id():
    layouts = {**GOOD_LAYOUTS, "PersonAccount-Person Account Layout": layout("IndividualId")}
    assert not configured(rows_for(ALL_ON, layouts))


def test_enhanced_email_only_where_required():
    classic = {
        **ALL_ON,
        "EmailAdministrationSettings": {"enableEmailConsentManagement": True, "enableEnhancedEmailEnabled": False},
        "LightningExperienceSettings": {"enableS1DesktopEnabled": False},
    }
    rows = rows_for(classic, GOOD_LAYOUTS)
    assert configured(rows)
    assert [r.verdict for r in rows if r.api_name.endswith("enableEnhancedEmailEnabled")] == ["not required"]
    assert not configured(rows_for(classic, GOOD_LAYOUTS, enhanced_email="true"))
    lightning = {**classic, "LightningExperienceSettings": {"enableS1DesktopEnabled": True}}
    assert not configured(rows_for(lightning, GOOD_LAYOUTS))
    unknown = {k: v for k, v in classic.items() if k != "LightningExperienceSettings"}
    assert not configured(rows_for(unknown, GOOD_LAYOUTS))  # auto + unknown Lightning: required


def test_email_tracking_not_required_when_turned_off_by_option():
    settings = {**ALL_ON, "ActivitiesSettings": {"enableEmailTracking": False}}
    assert not configured(rows_for(settings, GOOD_LAYOUTS))
    assert configured(rows_for(settings, GOOD_LAYOUTS, email_tracking="false"))


def test_object_without_any_layout_fails():
    layouts = {k: v for k, v in GOOD_LAYOUTS.items() if not k.startswith("Lead-")}
    rows = rows_for(ALL_ON, layouts)
    assert not configured(rows)
    assert "(no Lead layout found)" in verify.failure_message(rows)


def test_only_requested_objects_count():
    layouts = {k: v for k, v in GOOD_LAYOUTS.items() if not k.startswith("PersonAccount-")}
    assert configured(rows_for(ALL_ON, layouts, objects=["Contact", "Lead"]))


def test_setting_rows_unknown_values_fail_when_required():
    rows = setting_rows({}, [CONSENT, EMAIL_CONSENT, ENHANCED_EMAIL, EMAIL_TRACKING])
    assert [r.state for r in rows] == ["unknown"] * 4 and not configured(rows)


def test_report_data_has_the_same_rows_as_the_table():
    rows = rows_for(ALL_ON, GOOD_LAYOUTS)
    data = verify.report_data(rows, {"name": "sim", "org_id": "00D"}, "2025-01-01T00:00:00+00:00", True)
    assert data["configured"] is True and data["org"]["name"] == "sim" and data["reused_prerequisites_read"] is True
    assert len(data["settings"]) == 4 and len(data["layouts"]) == 4
    assert set(data["layouts"][0]) >= {
        "kind",
        "name",
        "api_name",
        "object",
        "state",
        "required",
        "ok",
        "verdict",
        "item",
    }


def _with_pages(layouts, **page_files):
    read = org_read(OBJECTS, layouts, page_files, settings=ALL_ON, pages_read=True)
    return list(verdict(read, OBJECTS, SettingsOptions.from_options({})).rows)


def test_a_dynamic_forms_page_without_the_field_fails_and_other_pages_are_listed():
    seeded = seed_pages()
    rows = _with_pages(
        GOOD_LAYOUTS, Lead_Record_Page=seeded["Lead_Record_Page"], Detail=seeded["Contact_Record_Detail_Page"]
    )
    assert not configured(rows)
    with pytest.raises(
        OrgError, match=r"1 Dynamic Forms page\(s\) lack the Individual field: Lead_Record_Page \(Lead\)"
    ):
        verify.raise_unless_configured(rows)
    data = verify.report_data(rows, {"name": "dev"}, "now", False)
    assert [(p["name"], p["kind"], p["verdict"]) for p in data["pages"]] == [
        ("Detail", "record_detail", "left alone"),
        ("Lead_Record_Page", "dynamic_forms", "MISSING"),
    ]

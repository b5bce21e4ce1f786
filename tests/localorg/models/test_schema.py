from pathlib import Path

from localorg.models import objects
from localorg.models.schema import FIELDS, OBJECTS, TOOLING_FIELDS, VIRTUAL_FIELDS, Field, Visibility


def test_each_object_is_defined_once_across_stored_computed_and_tooling_objects():
    names = [*FIELDS, *VIRTUAL_FIELDS, *TOOLING_FIELDS]
    assert len(names) == len(set(names))
    for fields in [*FIELDS.values(), *VIRTUAL_FIELDS.values(), *TOOLING_FIELDS.values()]:
        assert len({f.name.lower() for f in fields}) == len(fields)


def test_a_field_describe_is_derived_and_can_carry_more_keys():
    plain = Field("Status", "picklist", "Status", length=255)
    described = plain.describe()
    assert described["name"] == "Status" and described["length"] == 255 and described["nillable"] is True
    fuller = Field(
        "Status", "picklist", "Status", length=255, describe_keys=(("nillable", False), ("defaultValue", None))
    )
    assert fuller.describe() == {**described, "nillable": False, "defaultValue": None}


def test_visibility_follows_the_switches():
    off, on = Visibility(), Visibility(consent=True, person_accounts=True)
    assert not off.object_exists("Individual") and on.object_exists("Individual")
    assert "individualid" not in off.field_map("Contact") and "individualid" in on.field_map("Contact")
    assert "personemail" not in off.field_map("Account") and "personemail" in on.field_map("Account")


def test_every_object_module_is_registered_and_assembled():
    folder = Path(objects.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__", "base"}
    assert modules == set(objects.REGISTERED)
    assert list(OBJECTS) == [o.name for o in objects.registered()]
    for o in OBJECTS.values():
        table = {"stored": FIELDS, "virtual": VIRTUAL_FIELDS, "tooling": TOOLING_FIELDS}[o.kind]
        assert table[o.name] == list(o.fields)


def test_user_and_individual_carry_their_standard_fields():
    user = {f.name: f.describe() for f in Visibility(consent=True).fields("User")}
    assert {"Alias", "TimeZoneSidKey", "LocaleSidKey", "ProfileId", "ManagerId", "Department", "Address"} <= set(user)
    assert [n for n in ("Alias", "CommunityNickname", "LanguageLocaleKey") if user[n]["nillable"]] == []
    individual = {f.name for f in Visibility(consent=True).fields("Individual")}
    assert {"IndividualsAge", "ChildrenCount", "DeathDate", "IsHomeOwner", "HasOptedOutTracking"} <= individual


def test_contact_lead_and_account_carry_their_address_parts_and_compound_addresses():
    contact = Visibility().field_map("Contact")
    assert contact["mailingcity"].length == 40 and contact["mailingaddress"].type == "address"
    assert contact["mailingaddress"].readonly and contact["mailingaddress"].describe()["soapType"] == "urn:address"
    assert {"street", "city", "address", "annualrevenue"} <= set(Visibility().field_map("Lead"))
    person = Visibility(person_accounts=True).field_map("Account")
    assert "personmailingaddress" in person and "personmailingaddress" not in Visibility().field_map("Account")

"""Values of the standard fields on their way through the records store: a compound address read from its parts,
numbers kept as numbers, and an org saved before a field existed gaining its column."""

import sqlite3

import pytest

from localorg.models.records import RecordStore
from localorg.models.schema import Visibility

VIS = Visibility()


def test_an_address_is_read_from_its_parts_and_numbers_stay_numbers(tmp_path):
    store = RecordStore(tmp_path / "records.sqlite")
    (result,) = store.create_many(
        "Account",
        [{"Name": "Acme", "BillingCity": "Leeds", "BillingLatitude": "53.8", "NumberOfEmployees": 12,
          "AnnualRevenue": 2500000}],
        VIS,
    )  # fmt: skip
    account = store.get("Account", result["id"])
    assert account["BillingAddress"] == {
        "city": "Leeds", "country": None, "geocodeAccuracy": None, "latitude": 53.8, "longitude": None,
        "postalCode": None, "state": None, "street": None,
    }  # fmt: skip
    assert account["ShippingAddress"] is None  # every part empty
    assert (account["NumberOfEmployees"], account["AnnualRevenue"]) == (12, 2500000.0)
    assert account["IsPartner"] is False  # a checkbox is never null


@pytest.mark.parametrize(
    "values, code",
    [
        ({"Name": "A", "NumberOfEmployees": 1.5}, "INVALID_TYPE_ON_FIELD_IN_RECORD"),
        ({"Name": "A", "AnnualRevenue": "lots"}, "INVALID_TYPE_ON_FIELD_IN_RECORD"),
        ({"Name": "A", "BillingAddress": {"city": "Leeds"}}, "INVALID_FIELD_FOR_INSERT_UPDATE"),
        ({"Name": "A", "BillingPostalCode": "x" * 21}, "STRING_TOO_LONG"),
    ],
)
def test_bad_values_are_refused_as_salesforce_refuses_them(tmp_path, values, code):
    store = RecordStore(tmp_path / "records.sqlite")
    (result,) = store.create_many("Account", [values], VIS)
    assert not result["success"] and result["errors"][0]["statusCode"] == code
    assert store.count("Account") == 0


def test_an_org_saved_before_a_field_existed_gains_its_column(tmp_path):
    path = tmp_path / "records.sqlite"
    old = sqlite3.connect(path)
    old.execute('CREATE TABLE "Contact" ("Id" TEXT PRIMARY KEY, "LastName" TEXT, "HasOptedOutOfEmail" INTEGER)')
    old.execute("INSERT INTO \"Contact\" VALUES ('003000000000001AAA', 'Old', 0)")
    old.commit()
    old.close()
    store = RecordStore(path)
    contact = store.get("Contact", "003000000000001AAA")
    assert (contact["LastName"], contact["MailingCity"], contact["DoNotCall"]) == ("Old", None, False)
    (result,) = store.update_many("Contact", [{"Id": "003000000000001AAA", "MailingCity": "Leeds"}], VIS)
    assert result["success"] and store.get("Contact", "003000000000001AAA")["MailingAddress"]["city"] == "Leeds"

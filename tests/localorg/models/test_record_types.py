"""Record types: Master everywhere; with person accounts, Account's PersonAccount type too."""

from localorg.models.ids import with_checksum
from localorg.models.record_types import MASTER_ID, PERSON_ACCOUNT_ID, is_record_type_of, record_types


def test_master_everywhere_and_person_account_only_on_account_with_person_accounts():
    assert [r["developerName"] for r in record_types("Contact", True)] == ["Master"]
    assert [r["developerName"] for r in record_types("Account", False)] == ["Master"]
    assert [r["developerName"] for r in record_types("Account", True)] == ["PersonAccount", "Master"]
    assert is_record_type_of("Account", True, PERSON_ACCOUNT_ID)
    assert not is_record_type_of("Account", False, PERSON_ACCOUNT_ID)
    for rid in (MASTER_ID, PERSON_ACCOUNT_ID):
        assert rid == with_checksum(rid[:15]) and rid.startswith("012")

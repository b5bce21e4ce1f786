from localorg.models.identity import OrgIdentity
from localorg.models.ids import normalize_id, random_id, sf_id, with_checksum


def passes_checksum(id18: str) -> bool:
    return len(id18) == 18 and with_checksum(id18[:15]) == id18


def test_case_safe_suffix_matches_a_published_example():
    # The 15- and 18-character forms of one id, as Salesforce's own tools convert them.
    assert with_checksum("a0D30000001n7Pi") == "a0D30000001n7PiEAI"
    assert normalize_id("a0D30000001n7Pi") == "a0D30000001n7PiEAI"


def test_every_kind_of_id_passes_the_checksum():
    identity = OrgIdentity()
    assert identity.org_id.startswith("00D") and passes_checksum(identity.org_id)
    assert identity.user_id.startswith("005") and passes_checksum(identity.user_id)
    assert all(passes_checksum(random_id("00h")) for _ in range(50))
    assert [sf_id("003", n)[:3] for n in (1, 62, 10**9)] == ["003"] * 3
    assert all(passes_checksum(sf_id("003", n)) for n in (1, 62, 10**9))


def test_counter_ids_are_distinct_and_random_ids_do_not_repeat():
    assert len({sf_id("001", n) for n in range(1000)}) == 1000
    assert len({random_id("0Af") for _ in range(1000)}) == 1000

"""Seed people: realistic, deterministic Contacts (with business Accounts), Leads and person Accounts."""

from localorg.models.record_types import PERSON_ACCOUNT_ID

_FIRST = (
    "Ava Ben Chloé Daniel Elena Farid Grace Hiro Isla Jonas Kavya Liam Maya Noah Olga Pablo Quinn Rosa Sven Tara "
    "Umar Vera Wen Ximena Yusuf Zoe Aiko Bruno Carmen Dmitri"
).split()
_LAST = (
    "Smith García Müller Rossi Dubois Kowalski Nakamura Okafor Patel Silva Jensen Novak Haddad Kim Larsen Moreau "
    "Schmidt Ivanova O'Brien Fischer Costa Tanaka Nguyen Andersen Walsh Romero Singh Berg Lopez Weber"
).split()
_COMPANIES = (
    "Acme Corp|Globex|Initech|Umbrella Health|Stark Logistics|Wayne Foods|Hooli|Vandelay Imports|"
    "Soylent Labs|Cyberdyne Retail"
).split("|")


def _ascii(text: str) -> str:
    return "".join(c for c in text.lower().replace("é", "e").replace("ü", "u").replace("í", "i") if c.isalnum())


def person(i: int, domain: str) -> tuple[str, str, str]:
    """Deterministic (first, last, email) for the i-th seeded person; emails are unique."""
    first, last = _FIRST[i % len(_FIRST)], _LAST[(i // len(_FIRST)) % len(_LAST)]
    return first, last, f"{_ascii(first)}.{_ascii(last)}.{i}@{domain}"


def seed_people(store, owner_id: str, contacts: int = 0, leads: int = 0, person_accounts: int = 0) -> None:
    """Seed realistic, deterministic Contacts (with business Accounts), Leads and person Accounts."""
    if contacts:
        accounts = store.insert_raw(
            "Account",
            [
                {
                    "Name": f"{_COMPANIES[i % len(_COMPANIES)]} {i // len(_COMPANIES) + 1}",
                    "Type": "Customer",
                    "OwnerId": owner_id,
                }
                for i in range(max(1, contacts // 5))
            ],
        )
        rows = []
        for i in range(contacts):
            first, last, email = person(i, "example.com")
            rows.append(
                {
                    "FirstName": first,
                    "LastName": last,
                    "Email": email,
                    "AccountId": accounts[i % len(accounts)],
                    "Title": "Buyer",
                    "OwnerId": owner_id,
                }
            )
        store.insert_raw("Contact", rows)
    if leads:
        rows = []
        for i in range(leads):
            first, last, email = person(i, "example.org")
            rows.append(
                {
                    "FirstName": first,
                    "LastName": last,
                    "Email": email,
                    "Company": _COMPANIES[i % len(_COMPANIES)],
                    "OwnerId": owner_id,
                }
            )
        store.insert_raw("Lead", rows)
    if person_accounts:
        rows = []
        for i in range(person_accounts):
            first, last, email = person(i, "example.net")
            rows.append(
                {
                    "FirstName": first,
                    "LastName": last,
                    "PersonEmail": email,
                    "IsPersonAccount": 1,
                    "RecordTypeId": PERSON_ACCOUNT_ID,
                    "PersonHasOptedOutOfEmail": 0,
                    "OwnerId": owner_id,
                }
            )
        store.insert_raw("Account", rows)

"""LocalOrg: everything one local org is, under one state DIR.

  DIR/org.json          the profile (identity, edition, person accounts, permissions)   profile.py
  DIR/metadata/         metadata in MDAPI layout, changed only by successful deploys    metadata_store.py
  DIR/records.sqlite    Contact, Lead, Account, Individual, User records                records.py
  DIR/auth.json         the refresh token and issued access tokens (owner-only)         auth.py
  DIR/tls/              the self-signed certificate for 127.0.0.1                        tls.py

A new DIR is seeded from the serve options; an existing DIR keeps its state and its identity
(the options that shape a new org are then ignored, so a restart never reshapes an org).
"""

import threading
from dataclasses import dataclass
from pathlib import Path

from .auth import Sessions
from .faults import Faults
from .profile import OrgProfile
from .records import RecordStore, Visibility, seed_people


@dataclass
class SeedOptions:
    """Records to create in a new org."""

    contacts: int = 0
    leads: int = 0
    person_accounts_count: int = 0


class LocalOrg:
    """One org's state. Handlers receive it as `org`; `org.lock` serialises them."""

    def __init__(
        self,
        root: Path,
        profile: OrgProfile | None = None,
        faults: Faults | None = None,
        seed: SeedOptions | None = None,
    ):
        from .metadata_store import MetadataStore  # the Metadata API side's store (another module's contract)

        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.faults = faults or Faults()
        self.lock = threading.RLock()
        profile_path = self.root / "org.json"
        self.is_new = not profile_path.is_file()
        if self.is_new:
            self.profile = profile or OrgProfile()
        else:
            self.profile = OrgProfile.load(profile_path)
        self.metadata = MetadataStore(self.root, self.profile)
        self.records = RecordStore(self.root / "records.sqlite")
        self.sessions = Sessions(self.root / "auth.json", self.profile.org_id)
        if self.is_new:
            self.metadata.seed()
            self._seed_records(seed or SeedOptions())
            # Written last: a DIR whose seeding was interrupted is seeded again on the next start.
            self.profile.save(profile_path)

    def _seed_records(self, seed: SeedOptions) -> None:
        p = self.profile
        self.records.insert_raw(
            "User",
            [
                {
                    "Username": p.username,
                    "FirstName": "Local",
                    "LastName": "Admin",
                    "Email": "admin@example.com",
                    "IsActive": 1,
                    "UserType": "Standard",
                }
            ],
        )
        # The running user's id is the profile's (CumulusCI reads it from the identity URL).
        self.records.db.execute('UPDATE "User" SET Id = ? WHERE Username = ?', (p.user_id, p.username))
        seed_people(self.records, p.user_id, seed.contacts, seed.leads, seed.person_accounts_count)

    @property
    def consent_enabled(self) -> bool:
        """PartyDataModelSettings.enableConsentManagement, as the metadata says now."""
        return bool(self.metadata.settings_value("PartyDataModelSettings", "enableConsentManagement"))

    @property
    def visibility(self) -> Visibility:
        """Which objects and fields exist right now (Individual needs consent management)."""
        return Visibility(consent=self.consent_enabled, person_accounts=self.profile.person_accounts)

    def close(self) -> None:
        self.records.close()

"""LocalOrg: everything one local org is, under one state DIR.

  DIR/org.json          the identity (identity, edition, person accounts, permissions)   identity.py
  DIR/metadata/         metadata in MDAPI layout, changed only by successful deploys    metadata.py
  DIR/records.sqlite    Contact, Lead, Account, Individual, User records                records.py
  DIR/auth.json         the refresh token and issued access tokens (owner-only)         sessions.py
  DIR/connected-app.json  the connected app JWT bearer assertions are checked against   connected_app.py
  DIR/tls/              the self-signed certificate for 127.0.0.1                        tls.py
  DIR/api-usage.json    DailyApiRequests: the allocation and the requests served           api_usage.py

A new DIR is seeded from the serve options; an existing DIR keeps its state and its identity
(the options that shape a new org are then ignored, so a restart never reshapes an org).
"""

import datetime
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from localorg.faults import Faults
from localorg.models.access import seed_access, sync_permission_set
from localorg.models.api_usage import ApiUsage
from localorg.models.bulk_jobs import BulkJobs
from localorg.models.bulk_v1 import BulkV1Jobs
from localorg.models.connected_app import ConnectedApp
from localorg.models.cursors import QueryCursors
from localorg.models.identity import OrgIdentity
from localorg.models.metadata import MetadataStore
from localorg.models.org_settings import OrgSettings
from localorg.models.privacy import purge_privacy_data
from localorg.models.records import RecordStore
from localorg.models.schema import Visibility
from localorg.models.seed import seed_people
from localorg.models.sessions import Sessions
from localorg.models.source_tracking import SourceMembers


@dataclass
class SeedOptions:
    """Records to create in a new org."""

    contacts: int = 0
    leads: int = 0
    person_accounts_count: int = 0
    rep_users: int = 0  # active users on the Standard User profile besides the running user
    rep_access: str = "none"  # Standard User's access to Individual's Don't Track / Don't Process (access.py)


class LocalOrg:
    """One org's state. Handlers receive it as `org`; `org.lock` serialises them."""

    def __init__(
        self,
        root: Path,
        identity: OrgIdentity | None = None,
        faults: Faults | None = None,
        seed: SeedOptions | None = None,
        settings: OrgSettings | None = None,
    ):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.faults = faults or Faults()
        self.settings = settings or OrgSettings()
        self.lock = threading.RLock()
        self.base_url = "https://127.0.0.1"  # where it is served (set by `org serve` and inprocess)
        self.orgs = None  # the OrgSet serving this org with others (models/orgs.py), when there is one
        profile_path = self.root / "org.json"
        self.is_new = not profile_path.is_file()
        if self.is_new:
            self.identity = identity or OrgIdentity()
        else:
            self.identity = OrgIdentity.load(profile_path)
        self.metadata = MetadataStore(self.root, self.identity)
        if self.identity.source_tracking:
            self.metadata.source_members = SourceMembers(self.root / "source-members.json", self.identity.user_id)
        self.records = RecordStore(self.root / "records.sqlite")
        self.metadata.on_consent_off = lambda: purge_privacy_data(self.records)
        self.bulk_jobs = BulkJobs()
        self.bulk_v1 = BulkV1Jobs(self.bulk_jobs.next_id)
        self.query_cursors = QueryCursors()
        self.single_access_codes: set[str] = set()  # front-door codes not used yet (in memory, as short-lived)
        self.sessions = Sessions(self.root / "auth.json", self.identity.org_id)
        self.connected_app = ConnectedApp.load(self.root)
        self.api_usage = ApiUsage(self.root)
        self.metadata.on_deployed = self._deployed
        if self.is_new:
            self.metadata.seed()
            self._seed_records(seed or SeedOptions())
            # Written last: a DIR whose seeding was interrupted is seeded again on the next start.
            self.identity.save(profile_path)

    @property
    def created(self) -> datetime.datetime:
        """When the org was made: when its identity was written (Organization.CreatedDate)."""
        path = self.root / "org.json"
        stamp = path.stat().st_mtime if path.is_file() else time.time()
        return datetime.datetime.fromtimestamp(stamp, datetime.UTC)

    def _seed_records(self, seed: SeedOptions) -> None:
        p = self.identity
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
                    "Alias": "ladmin",
                    "CommunityNickname": "local.admin",
                    # The org's own time zone and locale (Organization's, sobjects.virtual_rows).
                    "TimeZoneSidKey": "Europe/London",
                    "LocaleSidKey": "en_GB",
                    "LanguageLocaleKey": "en_US",
                    "EmailEncodingKey": "UTF-8",
                }
            ],
        )
        # The running user's id is the profile's (CumulusCI reads it from the identity URL).
        self.records.db.execute('UPDATE "User" SET Id = ? WHERE Username = ?', (p.user_id, p.username))
        seed_people(self.records, p.user_id, seed.contacts, seed.leads, seed.person_accounts_count)
        seed_access(self.records, p.user_id, p.customize_application, seed.rep_users, seed.rep_access)

    def _deployed(self, stored) -> None:
        """Records that mirror deployed metadata: a PermissionSet's row and its permissions."""
        for type_name, member, data in stored:
            if type_name == "PermissionSet" and data:
                sync_permission_set(self.records, member, data)

    def install_connected_app(self, app: ConnectedApp) -> None:
        """Give the org this connected app (replacing any other), kept in its state."""
        app.save(self.root)
        self.connected_app = app

    @property
    def consent_enabled(self) -> bool:
        """PartyDataModelSettings.enableConsentManagement, as the metadata says now."""
        return bool(self.metadata.settings_value("PartyDataModelSettings", "enableConsentManagement"))

    @property
    def visibility(self) -> Visibility:
        """Which objects and fields exist right now (Individual needs consent management)."""
        return Visibility(
            consent=self.consent_enabled, person_accounts=self.identity.person_accounts, dev_hub=self.identity.dev_hub
        )

    def close(self) -> None:
        self.api_usage.save()
        self.records.close()

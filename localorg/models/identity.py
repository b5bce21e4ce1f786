"""The org's identity and shape: edition, person accounts, the running user's permissions.

Saved as DIR/org.json so the org keeps its identity across restarts.
"""

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from localorg.models.ids import random_id


@dataclass
class OrgIdentity:
    """What kind of org this is. Field names are the `org serve` options they come from."""

    org_id: str = ""
    user_id: str = ""
    username: str = "admin@emailprivacy.localorg"
    edition: str = "Developer Edition"  # Organization.OrganizationType
    person_accounts: bool = False
    customize_application: bool = True  # the running user's PermissionsCustomizeApplication
    lightning: bool = True  # LightningExperienceSettings.enableS1DesktopEnabled when seeded
    is_sandbox: bool = False
    instance_name: str = "LOCAL1"
    layouts_per_object: int = 0
    managed_layouts: bool = False
    dynamic_forms: bool = False  # seeds Lightning record pages built with Dynamic Forms
    trimmed_individual_pages: bool = False  # the Individual layout (and page) lack Don't Track and Don't Process
    org_name: str = "EmailPrivacy Local Org"  # Organization.Name
    dev_hub: bool = False  # answers for ScratchOrgInfo and ActiveScratchOrg, and creates scratch orgs
    trial_expiration: str | None = None  # Organization.TrialExpirationDate; set on scratch orgs
    source_tracking: bool = False  # SourceMember rows for deployed changes, as scratch orgs keep them

    def __post_init__(self):
        if not self.org_id:
            self.org_id = random_id("00D")
        if not self.user_id:
            self.user_id = random_id("005")

    def save(self, path: Path) -> None:
        """Write atomically: a temporary file, then rename."""
        path = Path(path)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "OrgIdentity":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

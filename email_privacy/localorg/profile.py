"""The org's identity and shape: edition, person accounts, the running user's permissions.

Saved as DIR/org.json so the org keeps its identity across restarts.
"""

import json
import secrets
from dataclasses import asdict, dataclass, fields
from pathlib import Path


def _sf_id(prefix: str) -> str:
    # 18-character Salesforce-shaped id: 3-char key prefix, then random alphanumerics.
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(15))


@dataclass
class OrgProfile:
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

    def __post_init__(self):
        if not self.org_id:
            self.org_id = _sf_id("00D")
        if not self.user_id:
            self.user_id = _sf_id("005")

    def save(self, path: Path) -> None:
        """Write atomically: a temporary file, then rename."""
        path = Path(path)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "OrgProfile":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

"""OrgSet: the orgs one server serves, the org it was started on and the scratch orgs that org made as a
Dev Hub, each under DIR/scratch-orgs/<org id>/ with its own identity, users, tokens, metadata and records.

All orgs share one origin. The sf CLI keeps one auth per username, not per host (docs/salesforce-facts.md,
"Salesforce's own CLI (sf) and scratch orgs"), so a request finds its org by what it carries: an access token (Bearer or
SOAP SessionHeader), or on the token endpoint its code, refresh token or JWT subject. A token reaches only
the org that issued it.
"""

import shutil
import threading
from pathlib import Path
from urllib.parse import parse_qs

from localorg.models import connected_app
from localorg.models.identity import OrgIdentity
from localorg.models.org import LocalOrg

SCRATCH_DIR = "scratch-orgs"


class OrgSet:
    """The primary org and its scratch orgs; attaches itself as `primary.orgs`."""

    def __init__(self, primary: LocalOrg):
        self.primary = primary
        primary.orgs = self
        self._lock = threading.Lock()
        self._scratch: dict[str, LocalOrg] = {}
        folder = self.primary.root / SCRATCH_DIR
        if folder.is_dir():
            for sub in sorted(folder.iterdir()):
                if (sub / "org.json").is_file():
                    self._adopt(LocalOrg(sub))

    def _adopt(self, org: LocalOrg) -> LocalOrg:
        org.base_url = self.primary.base_url
        org.settings = self.primary.settings  # scratch orgs behave as the org serving them
        org.orgs = self
        self._scratch[org.identity.org_id] = org
        return org

    def all(self) -> list[LocalOrg]:
        with self._lock:
            return [self.primary, *self._scratch.values()]

    def set_base_url(self, url: str) -> None:
        for org in self.all():
            org.base_url = url

    def scratch(self, org_id: str) -> LocalOrg | None:
        with self._lock:
            return next((o for k, o in self._scratch.items() if k[:15] == (org_id or "")[:15]), None)

    def by_token(self, token: str | None) -> LocalOrg | None:
        """The org that issued this access token, if any still does."""
        return next((o for o in self.all() if o.sessions.valid(token)), None) if token else None

    def for_grant(self, body: bytes) -> LocalOrg:
        """The org a token-endpoint request is for: by code, refresh token or JWT subject; else the primary
        (whose own checks then refuse what it did not issue)."""
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        grant = form.get("grant_type")
        for org in self.all():
            if grant == "authorization_code" and org.sessions.has_code(form.get("code")):
                return org
            if grant == "refresh_token" and form.get("refresh_token") == org.sessions.refresh_token:
                return org
        if grant == connected_app.GRANT_TYPE:
            subject = (connected_app.subject(form.get("assertion", "")) or "").lower()
            return next((o for o in self.all() if o.identity.username.lower() == subject), self.primary)
        return self.primary

    def username_taken(self, username: str) -> bool:
        return any(o.identity.username.lower() == username.lower() for o in self.all())

    def create_scratch(self, identity: OrgIdentity) -> LocalOrg:
        """A new scratch org seeded from identity, served from now on."""
        org = LocalOrg(self.primary.root / SCRATCH_DIR / identity.org_id, identity)
        with self._lock:
            return self._adopt(org)

    def delete_scratch(self, org_id: str) -> bool:
        """Remove a scratch org and its folder: its tokens, refresh token and codes go with it."""
        with self._lock:
            key = next((k for k in self._scratch if k[:15] == (org_id or "")[:15]), None)
            org = self._scratch.pop(key, None) if key else None
        if org is None:
            return False
        with org.lock:
            org.close()
            shutil.rmtree(Path(org.root), ignore_errors=True)
        return True

    def close(self) -> None:
        for org in self.all():
            org.close()

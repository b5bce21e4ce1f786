"""Sessions of the local org: the refresh token it hands out once, and the access tokens it issues.

Kept in DIR/auth.json (owner-only, written atomically) so a server restarted on the same DIR still
accepts the refresh token in the env file it wrote before, and the access tokens cci cached.
"""

import json
import secrets
import threading
from pathlib import Path

from localorg.files import write_atomic

# Only the newest access tokens stay valid; a real org also expires old sessions.
MAX_ACCESS_TOKENS = 500


class Sessions:
    """Issued tokens, persisted in DIR/auth.json."""

    def __init__(self, path: Path, org_id: str):
        self.path = Path(path)
        self.org_id = org_id
        self._lock = threading.Lock()
        if self.path.is_file():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.refresh_token = data["refresh_token"]
            self.access_tokens = list(data.get("access_tokens", []))
            self.codes = dict(data.get("codes", {}))
        else:
            # Salesforce refresh tokens start with 5Aep; the exact shape does not matter to clients.
            self.refresh_token = "5Aep" + secrets.token_urlsafe(60)
            self.access_tokens = []
            self.codes = {}
            self._save()

    def _save(self) -> None:
        data = {"refresh_token": self.refresh_token, "access_tokens": self.access_tokens, "codes": self.codes}
        write_atomic(self.path, json.dumps(data).encode("utf-8"), mode=0o600)

    def issue(self) -> str:
        """A new access token, shaped like Salesforce's (org id, '!', opaque part)."""
        token = f"{self.org_id[:15]}!{secrets.token_urlsafe(72)}"
        with self._lock:
            self.access_tokens = (self.access_tokens + [token])[-MAX_ACCESS_TOKENS:]
            self._save()
        return token

    def issue_code(self, client_id: str, redirect_uri: str) -> str:
        """A one-time authorization code for the OAuth authorization_code grant, bound to its client."""
        code = "aPrx" + secrets.token_urlsafe(48)
        with self._lock:
            self.codes[code] = {"client_id": client_id, "redirect_uri": redirect_uri}
            self._save()
        return code

    def has_code(self, code: str | None) -> bool:
        return bool(code) and code in self.codes

    def take_code(self, code: str) -> dict | None:
        """The client a code was issued for; the code is spent (None if unknown or already used)."""
        with self._lock:
            found = self.codes.pop(code, None)
            if found is not None:
                self._save()
        return found

    def valid(self, token: str | None) -> bool:
        """True if the access token was issued by this org and is still kept."""
        return bool(token) and token in self.access_tokens

    def all_tokens(self) -> list[str]:
        """Every secret this org has issued (for leak tests)."""
        return [self.refresh_token, *self.access_tokens, *self.codes]

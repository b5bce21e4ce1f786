"""The org's connected app for the OAuth 2.0 JWT bearer grant (RFC 7523) at /services/oauth2/token.

An admin gives a connected app a certificate under "Use digital signatures"; CI then logs in with an
assertion signed by the matching private key. The app (client id and RSA public key) is part of the
org's state, kept in DIR/connected-app.json, so a restarted org still knows it.

An assertion is accepted when it is an RS256 JWT whose `iss` is the client id, whose signature the
key verifies, whose `aud` is the login server (login.salesforce.com, test.salesforce.com for a
sandbox) or the org's own URL, whose `exp` has not passed, and whose `sub` is the org's user.
Refusals carry Salesforce's error words (docs/salesforce-facts.md, "JWT bearer flow (logging in from
CI)"). PyJWT and cryptography come with CumulusCI.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from localorg.exceptions import OAuthError
from localorg.files import write_atomic

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
PRODUCTION_LOGIN = "https://login.salesforce.com"
SANDBOX_LOGIN = "https://test.salesforce.com"
STATE_FILE = "connected-app.json"
# CumulusCI signs with exp = the second it signs (cumulusci/oauth/salesforce.py, jwt_session) and real
# orgs accept that, so a small leeway past exp is allowed, as RFC 7519 section 4.1.4 permits.
LEEWAY_SECONDS = 180


@dataclass(frozen=True)
class ConnectedApp:
    """A connected app with a digital-signature certificate: its client id and RSA public key."""

    client_id: str
    public_key: RSAPublicKey

    @classmethod
    def from_pem(cls, client_id: str, pem_path: Path) -> "ConnectedApp":
        """From a PEM certificate or public key file; ValueError (one line) when it is neither, or not RSA."""
        try:
            data = Path(pem_path).read_bytes()
        except OSError as e:
            raise ValueError(f"{pem_path}: cannot be read ({e.strerror})") from None
        try:
            key = x509.load_pem_x509_certificate(data).public_key()
        except ValueError:
            try:
                key = serialization.load_pem_public_key(data)
            except ValueError:
                raise ValueError(f"{pem_path}: not a PEM certificate or public key") from None
        if not isinstance(key, RSAPublicKey):
            raise ValueError(f"{pem_path}: the key is not RSA (the JWT bearer flow signs with RS256 only)")
        return cls(client_id.strip(), key)

    def save(self, root: Path) -> None:
        pem = self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")
        data = json.dumps({"client_id": self.client_id, "public_key": pem})
        write_atomic(Path(root) / STATE_FILE, data.encode("utf-8"), mode=0o600)

    @classmethod
    def load(cls, root: Path) -> "ConnectedApp | None":
        """The app saved under DIR, or None when the org has none."""
        path = Path(root) / STATE_FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["client_id"], serialization.load_pem_public_key(data["public_key"].encode("ascii")))


def audiences(base_url: str, is_sandbox: bool) -> tuple[str, ...]:
    """The `aud` values an org accepts: its login server and its own URL."""
    return (SANDBOX_LOGIN if is_sandbox else PRODUCTION_LOGIN, base_url.rstrip("/"))


def subject(assertion: str) -> str | None:
    """The `sub` claim of a well-formed JWT, unverified (to pick the org it is for); None if it is not one."""
    try:
        claims = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    return claims.get("sub") if isinstance(claims.get("sub"), str) else None


def check_assertion(
    app: ConnectedApp | None, assertion: str, username: str, accepted: tuple[str, ...], now: float | None = None
) -> None:
    """Return when the assertion grants a session for `username`; else OAuthError with Salesforce's words."""
    try:
        claims = jwt.decode(assertion, options={"verify_signature": False})
        header = jwt.get_unverified_header(assertion)
    except jwt.InvalidTokenError:
        raise OAuthError("invalid_grant", "invalid assertion") from None
    if app is None or claims.get("iss") != app.client_id:
        raise OAuthError("invalid_client_id", "client identifier invalid")
    if header.get("alg") != "RS256":
        raise OAuthError("invalid_grant", "invalid assertion")
    try:
        jwt.decode(assertion, app.public_key, algorithms=["RS256"], options={"verify_exp": False, "verify_aud": False})
    except jwt.InvalidTokenError:
        raise OAuthError("invalid_grant", "invalid assertion") from None
    aud = claims.get("aud")
    if not isinstance(aud, str) or aud.rstrip("/") not in accepted:
        raise OAuthError("invalid_grant", "audience is invalid")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise OAuthError("invalid_grant", "invalid assertion")
    if (time.time() if now is None else now) > exp + LEEWAY_SECONDS:
        raise OAuthError("invalid_grant", "expired authorization code")
    if claims.get("sub") != username:
        raise OAuthError("invalid_grant", "user hasn't approved this consumer")

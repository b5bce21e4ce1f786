"""The local org's TLS: a self-signed certificate for 127.0.0.1, kept in the state DIR.

simple-salesforce and CumulusCI's Bulk client always build https:// URLs, so the local org must
speak HTTPS; clients trust it through REQUESTS_CA_BUNDLE (our certificate plus certifi's bundle,
so other hosts keep working in the same process).
"""

import datetime
import ipaddress
import os
import ssl
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from localorg.files import write_atomic

LOOPBACK = "127.0.0.1"


def ensure_certificate(tls_dir: Path) -> tuple[Path, Path]:
    """Return (cert.pem, key.pem) in tls_dir, making them the first time. The key is owner-only."""
    tls_dir.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = tls_dir / "cert.pem", tls_dir / "key.pem"
    if cert_path.is_file() and key_path.is_file():
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "EmailPrivacy local org")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=3650))
        # IP SAN: clients match https://127.0.0.1 against it (the CN is ignored by modern TLS).
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]), critical=False)
        # CA:true lets OpenSSL accept the self-signed certificate as its own trust anchor.
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_atomic(key_path, key_bytes, mode=0o600)
    write_atomic(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def write_ca_bundle(cert_path: Path, bundle_path: Path) -> Path:
    """Write our certificate followed by certifi's bundle, for REQUESTS_CA_BUNDLE."""
    data = cert_path.read_bytes() + b"\n" + Path(certifi.where()).read_bytes()
    write_atomic(bundle_path, data)
    return bundle_path


def server_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    """A server-side TLS context for the certificate."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.fspath(cert_path), os.fspath(key_path))
    return ctx

"""Test support: an RSA key and a self-signed certificate for a connected app, as a team makes them once for CI."""

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(key) -> bytes:
    """A PEM certificate for the key, valid from yesterday for a month (what is uploaded to the connected app)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "email-privacy-ci")])
    now = datetime.datetime.now(datetime.UTC)
    builder = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
    builder = builder.serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
    cert = builder.not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM)


def private_pem(key) -> str:
    """The key as the server.key file whose contents go into the SFDX_HUB_KEY secret."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()

"""Create a demo CA and the office's signing certificate (PKCS#12) for `make demo` and tests.

Production uses a certificate from a real CA (e.g. BSrE); this command only exists so the demo
and the test suite sign and validate with the same code path. Idempotent: existing files are
kept unless --force.
"""

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.management.base import BaseCommand

VALID_DAYS = 5 * 365


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.OFFICE_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _builder(subject, issuer, public_key, now):
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _usage(**flags) -> x509.KeyUsage:
    names = (
        "digital_signature content_commitment key_encipherment data_encipherment key_agreement "
        "key_cert_sign crl_sign encipher_only decipher_only"
    ).split()
    return x509.KeyUsage(**{name: flags.get(name, False) for name in names})


def make_demo_certs(ca_path: Path, pkcs12_path: Path, password: str) -> None:
    now = datetime.datetime.now(datetime.UTC)
    ca_key, signer_key = _key(), _key()
    ca_name = _name(f"{settings.OFFICE_NAME} DEMO CA")
    ca_cert = (
        _builder(ca_name, ca_name, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    signer_cert = (
        _builder(_name(f"{settings.OFFICE_NAME} (DEMO)"), ca_name, signer_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # content_commitment is nonRepudiation's name in X.509 today.
        .add_extension(_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    bundle = pkcs12.serialize_key_and_certificates(
        name=b"loket-signer",
        key=signer_key,
        cert=signer_cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode()),
    )
    for path in (ca_path, pkcs12_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    pkcs12_path.write_bytes(bundle)
    pkcs12_path.chmod(0o600)  # holds the private key


class Command(BaseCommand):
    help = "Create a demo CA and signing certificate for self-print documents (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="replace existing files")

    def handle(self, *args, force=False, **options):
        ca_path = Path(settings.SIGNING_CA_CERT_PATH)
        pkcs12_path = Path(settings.SIGNING_PKCS12_PATH)
        if ca_path.exists() and pkcs12_path.exists() and not force:
            self.stdout.write(f"Signing certificates already present: {pkcs12_path}")
            return
        make_demo_certs(ca_path, pkcs12_path, settings.SIGNING_PKCS12_PASSWORD)
        from documents.signing import forget_signer

        forget_signer()  # this process may have cached the previous signer
        self.stdout.write(self.style.SUCCESS(f"Demo CA {ca_path}, signer {pkcs12_path}"))

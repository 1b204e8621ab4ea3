"""PAdES signatures with the office's certificate, and checking an uploaded copy.

pyHanko does the PDF and CMS work. The signer (PKCS#12 parsing and key decryption) and the trust
root are loaded once per process: at tens of ms, they would otherwise be a large share of every
document's cost.
"""

import asyncio
import functools
import io
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from asn1crypto import pem, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

FIELD_NAME = "TandaTanganKantor"


class SigningUnavailable(Exception):
    """The signing certificate is missing or unreadable: documents wait until it is fixed."""


class OfficeSigner(signers.SimpleSigner):
    """SimpleSigner that parses its private key once.

    pyHanko re-reads the key from DER for every signature, and cryptography's RSA key checks
    make that about 35 ms: more than the rest of signing a one-page PDF.
    """

    @functools.cached_property
    def _private_key(self):
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        try:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        except ValueError:  # a mechanism asn1crypto cannot name: pyHanko's own path handles it
            mechanism = None
        if mechanism != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        return self._private_key.sign(
            data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
        )


@functools.cache
def office_signer() -> OfficeSigner:
    path = settings.SIGNING_PKCS12_PATH
    if not os.path.isfile(path):
        raise SigningUnavailable(f"{path} not found")
    try:
        loaded = signers.SimpleSigner.load_pkcs12(
            path, passphrase=settings.SIGNING_PKCS12_PASSWORD.encode()
        )
    except OSError as exc:
        raise SigningUnavailable(f"cannot read {path}: {exc}") from exc
    if loaded is None:  # pyHanko logs the cause and returns None (wrong password, bad file)
        raise SigningUnavailable(f"cannot load the signing key from {path}")
    return OfficeSigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )


def _bytes_reserved(signer: OfficeSigner) -> int:
    """Room for the CMS container in the PDF (hex, so twice its DER size).

    With it given, pyHanko skips its own estimate, which is a whole dry-run signature. The container
    holds the certificates, the signature and a few attributes; a timestamp token adds its own
    certificates (generously counted).
    """
    certificates = sum(len(cert.dump()) for cert in [signer.signing_cert, *signer.cert_registry])
    der = certificates + 2048 + (8192 if settings.SIGNING_TSA_URL else 0)
    return 2 * der


@functools.cache
def trust_root() -> x509.Certificate:
    with open(settings.SIGNING_CA_CERT_PATH, "rb") as file:
        data = file.read()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def forget_signer() -> None:
    """Drop the cached signer and trust root (after new certificates were made)."""
    office_signer.cache_clear()
    trust_root.cache_clear()


def _outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous API calls asyncio.run(), which refuses to run under a running event
    loop (an async view; Playwright's sync API in the browser tests): there, use a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _timestamper():
    if not settings.SIGNING_TSA_URL:
        return None  # PAdES B-B: no outside call, the signing time is the signer's claim
    return timestamps.HTTPTimeStamper(
        settings.SIGNING_TSA_URL, timeout=settings.HTTP_TIMEOUT_SECONDS
    )


def sign_pdf(pdf: bytes, *, reason: str = "", location: str = "") -> bytes:
    """`pdf` with the office's PAdES signature over the whole file."""
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    signer = office_signer()
    pdf_signer = signers.PdfSigner(metadata, signer, timestamper=_timestamper())
    output = _outside_event_loop(
        pdf_signer.sign_pdf, writer, output=io.BytesIO(), bytes_reserved=_bytes_reserved(signer)
    )
    return output.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    genuine: bool
    reason: str  # for logs and tests, never shown to the public


def check_signature(pdf: bytes) -> SignatureCheck:
    """Is `pdf` signed once by a certificate of our CA, intact, with nothing added after?

    Any malformed input is an answer ("no"), not an error: the public sends us anything.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        if reader.encrypted:
            return SignatureCheck(False, "encrypted")
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return SignatureCheck(False, f"{len(signatures)} signatures")
        # Our CA is the only trust root; no fetching: verification never calls out.
        context = ValidationContext(trust_roots=[trust_root()], allow_fetching=False)
        status = _outside_event_loop(
            validate_pdf_signature, signatures[0], signer_validation_context=context
        )
    except Exception as exc:  # noqa: BLE001 — garbage in any shape must end here
        logger.info("signature check failed: %s", exc.__class__.__name__)
        return SignatureCheck(False, f"unreadable: {exc.__class__.__name__}")
    if not (status.intact and status.valid):
        return SignatureCheck(False, "broken signature")
    if not status.trusted:
        return SignatureCheck(False, "untrusted signer")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureCheck(False, f"coverage {status.coverage.name}")
    return SignatureCheck(True, "ok")

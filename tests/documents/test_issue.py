"""Issuing signed self-print documents: on SIAK's approval, numbers, idempotence, KK versions."""

import hashlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.core.management import call_command

from applications import lifecycle
from central import services as central_services
from documents import tasks
from documents.models import Document
from documents.services import document_issue
from loket.errors import DomainError
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK
from tests.documents.builders import issue, make_issued, make_verified

pytestmark = pytest.mark.django_db


def pdf_of(document) -> bytes:
    with document.pdf.open("rb") as file:
        return file.read()


def test_siak_approval_issues_a_signed_kk(
    siak, resident, officer_client, django_capture_on_commit_callbacks
):
    application = make_verified(resident, "KK")
    operator = officer_client("operator")[1]
    with django_capture_on_commit_callbacks(execute=True):
        central_services.central_submit(application=application, acting_user=operator)
    application.refresh_from_db()
    assert application.status == lifecycle.ISSUED
    document = Document.objects.get(application=application)
    assert document.is_ready and document.is_current
    assert document.kind == "KK" and document.number == BALIKPAPAN_KK
    assert document.holder_name == "Siti Aminah"
    content = pdf_of(document)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert len(document.verification_code) >= 22  # ≥ 128 bits in URL-safe base64
    with pikepdf.open(io.BytesIO(content)) as parsed:
        assert len(parsed.pages) == 1
        assert BALIKPAPAN_KK in str(parsed.docinfo["/Title"])
        uris = [
            str(annotation.A.URI)
            for annotation in parsed.pages[0].get("/Annots", [])
            if "/A" in annotation
        ]
    assert uris == [f"{settings.PUBLIC_BASE_URL}/verifikasi/{document.verification_code}"]


def test_the_stored_pdf_is_encrypted_at_rest(resident):
    document = issue(resident, "AKL", data={"no_kk": BALIKPAPAN_KK, "name": "Bayu Pratama"})
    with open(document.pdf.path, "rb") as raw:
        assert not raw.read().startswith(b"%PDF")
    assert pdf_of(document).startswith(b"%PDF")


def test_pyhanko_cli_accepts_the_signature(resident, tmp_path):
    # The CLI sits next to the interpreter running the tests (.venv/bin), or on the PATH.
    beside = Path(sys.executable).parent / "pyhanko"
    binary = str(beside) if beside.exists() else shutil.which("pyhanko")
    if binary is None:
        pytest.skip("the pyhanko CLI (dev dependency pyhanko-cli) is not installed")
    document = issue(resident, "AKM")
    path = tmp_path / "akta.pdf"
    path.write_bytes(pdf_of(document))
    result = subprocess.run(  # noqa: S603 — our own binary, our own file
        [binary, "sign", "validate", "--trust", settings.SIGNING_CA_CERT_PATH, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_akta_numbers_follow_the_register_and_never_repeat(resident):
    first = issue(resident, "AKM")
    second = issue(resident, "AKM")
    birth = issue(resident, "AKL", data={"no_kk": BALIKPAPAN_KK, "name": "Bayu"})
    day = first.issued_on.strftime("%d%m%Y")
    assert first.number == f"6471-KM-{day}-0001"
    assert second.number == f"6471-KM-{day}-0002"
    assert birth.number == f"6471-LT-{day}-0001"
    assert len({first.verification_code, second.verification_code, birth.verification_code}) == 3


def test_issuing_twice_returns_the_same_document(resident):
    application = make_issued(resident, "SKPWNI")
    first = document_issue(application=application)
    again = document_issue(application=application)
    assert again.pk == first.pk and again.sha256 == first.sha256
    assert Document.objects.count() == 1
    assert re.fullmatch(r"6471-SKPWNI-\d{8}-0001", first.number)


def test_a_new_kk_supersedes_the_family_s_current_one(resident):
    old = issue(resident, "KK")
    new = issue(
        resident, "KK", data={"nik": BALIKPAPAN_WOMAN_NIK, "no_kk": BALIKPAPAN_KK, "name": "Siti"}
    )
    old.refresh_from_db()
    assert old.superseded_at is not None and old.superseded_by == new
    assert new.is_current and new.number == old.number
    other_family = issue(
        resident, "KK", data={"nik": BALIKPAPAN_WOMAN_NIK, "no_kk": "6471050101100011", "name": "X"}
    )
    new.refresh_from_db()
    assert new.is_current and other_family.is_current


def test_only_issued_self_print_applications_get_a_document(resident):
    with pytest.raises(DomainError):
        document_issue(application=make_verified(resident, "AKM"))
    card = make_verified(resident, "KTP", variant_code="HILANG")
    with pytest.raises(DomainError):
        document_issue(application=card)
    assert not Document.objects.exists()


def test_a_missing_certificate_leaves_the_document_for_resume(resident, settings, tmp_path):
    from documents.signing import forget_signer

    application = make_issued(resident, "AKW", data={"nik": BALIKPAPAN_WOMAN_NIK, "name": "Rina"})
    good_path = settings.SIGNING_PKCS12_PATH
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "missing.p12")
    forget_signer()
    try:
        assert tasks.issue_document.call(application.pk) == "signing unavailable"
        assert not Document.objects.get(application=application).is_ready
    finally:
        settings.SIGNING_PKCS12_PATH = good_path
        forget_signer()
    call_command("documents_resume", "--grace-minutes", "0", stdout=io.StringIO())
    assert Document.objects.get(application=application).is_ready


def test_the_deploy_check_names_a_missing_certificate(settings, tmp_path):
    from documents.checks import check_signing_certificate
    from documents.signing import forget_signer

    assert check_signing_certificate(None) == []
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "missing.p12")
    settings.SIGNING_CA_CERT_PATH = str(tmp_path / "missing.pem")
    forget_signer()
    try:
        assert [p.id for p in check_signing_certificate(None)] == [
            "documents.E001",
            "documents.E002",
        ]
        settings.PRODUCTION = True
        assert all(p.is_serious() for p in check_signing_certificate(None))
    finally:
        forget_signer()


def test_demo_certificates_are_kept_unless_forced(tmp_path, settings):
    settings.SIGNING_CA_CERT_PATH = str(tmp_path / "ca.pem")
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "signer.p12")
    try:
        call_command("signing_demo_certs", stdout=io.StringIO())
        first = (tmp_path / "ca.pem").read_bytes()
        call_command("signing_demo_certs", stdout=io.StringIO())
        assert (tmp_path / "ca.pem").read_bytes() == first
        call_command("signing_demo_certs", "--force", stdout=io.StringIO())
        assert (tmp_path / "ca.pem").read_bytes() != first
        assert oct((tmp_path / "signer.p12").stat().st_mode & 0o777) == "0o600"
    finally:
        from documents.signing import forget_signer

        forget_signer()  # the session's signer again once the settings are restored

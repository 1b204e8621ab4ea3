"""The public verification page and the resident's download: what shows, what is refused."""

import functools
import io
import re

import pikepdf
import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from documents.management.commands.signing_demo_certs import make_demo_certs
from documents.signing import check_signature, sign_pdf
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK, pdf_bytes, upload
from tests.documents.builders import issue, make_issued

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def document(resident):
    return issue(
        resident,
        "AKL",
        data={"no_kk": BALIKPAPAN_KK, "name": "Budi Santoso", "father_nik": BALIKPAPAN_WOMAN_NIK},
    )


def pdf_of(document) -> bytes:
    with document.pdf.open("rb") as file:
        return file.read()


def url(document) -> str:
    return f"/verifikasi/{document.verification_code}"


def post_file(client, document, content: bytes, name="dokumen.pdf"):
    return client.post(url(document), {"file": upload(name, content, "application/pdf")})


def tampered(content: bytes) -> bytes:
    """One byte changed inside the signed range (the document's title in the info dict)."""
    index = content.index(b"Kutipan Akta Kelahiran")
    return content[:index] + b"k" + content[index + 1 :]


def appended_update(content: bytes) -> bytes:
    """A valid incremental update after the signature, as an editor would add."""
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    writer.document_meta.title = "Diubah"
    writer.root["/Diubah"] = generic.BooleanObject(True)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_by_another_ca(content: bytes, tmp_path) -> bytes:
    make_demo_certs(tmp_path / "ca.pem", tmp_path / "other.p12", "other")
    signer = signers.SimpleSigner.load_pkcs12(str(tmp_path / "other.p12"), passphrase=b"other")
    with pikepdf.open(io.BytesIO(content)) as parsed:  # strip our signature: a clean copy
        parsed.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array())
        parsed.pages[0].Annots = pikepdf.Array(
            [a for a in parsed.pages[0].get("/Annots", []) if a.get("/FT") != "/Sig"]
        )
        unsigned = io.BytesIO()
        parsed.save(unsigned)
    meta = signers.PdfSignatureMetadata(field_name="Palsu", subfilter=None)
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(unsigned.getvalue())), meta, signer)
    return out.getvalue()


def test_the_page_shows_the_listed_facts_and_nothing_more(client, document):
    response = client.get(url(document))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kutipan Akta Kelahiran" in page and document.number in page
    assert "B*** S******" in page and "Budi" not in page and "Santoso" not in page
    assert "Berlaku" in page
    for secret in (BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK, document.application.registration_number):
        assert secret not in page


def test_a_superseded_kk_says_since_when(client, resident):
    old = issue(resident, "KK")
    issue(resident, "KK")
    old.refresh_from_db()
    page = client.get(url(old)).content.decode()
    assert "Sudah diganti (tidak berlaku lagi) sejak" in page and "Berlaku<" not in page


@pytest.mark.parametrize(
    "code", ["x" * 32, "short", "a" * 31 + "!", "a b c d e f g h i j k l", "Z" * 64, "Z" * 65]
)
def test_an_unknown_code_is_a_plain_404(client, document, code):
    response = client.get(f"/verifikasi/{code}")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Dokumen tidak ditemukan" in page and document.number not in page


def test_a_near_miss_code_looks_like_any_unknown_code(client, document):
    near = document.verification_code[:-1] + ("A" if document.verification_code[-1] != "A" else "B")
    near_page = client.get(f"/verifikasi/{near}").content
    far_page = client.get(f"/verifikasi/{'Q' * 32}").content

    def strip(page):  # the code itself (in the language form) and the CSRF token may differ
        page = page.replace(near.encode(), b"").replace(b"Q" * 32, b"")
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)

    assert strip(near_page) == strip(far_page)


def test_a_document_still_being_prepared_is_not_shown(client, resident):
    from documents.models import Document

    application = make_issued(resident, "AKM")
    Document.objects.create(
        application=application,
        kind="AKM",
        number="6471-KM-01012026-0099",
        issued_on="2026-01-01",
        holder_name="X",
        verification_code="p" * 32,
    )
    assert client.get("/verifikasi/" + "p" * 32).status_code == 404


def test_the_genuine_file_is_confirmed(client, document):
    response = post_file(client, document, pdf_of(document))
    assert response.status_code == 200
    assert "Asli dan utuh" in response.content.decode()


def test_a_changed_byte_is_rejected(client, document):
    content = tampered(pdf_of(document))
    assert not check_signature(content).genuine
    response = post_file(client, document, content)
    assert response.status_code == 422
    assert "bukan salinan asli dokumen ini atau telah diubah" in response.content.decode()


def test_an_update_appended_after_signing_is_rejected(client, document):
    content = appended_update(pdf_of(document))
    check = check_signature(content)
    assert not check.genuine and "coverage" in check.reason
    assert "telah diubah" in post_file(client, document, content).content.decode()


def test_a_copy_signed_by_another_ca_is_rejected(client, document, tmp_path):
    content = signed_by_another_ca(pdf_of(document), tmp_path)
    assert check_signature(content).reason == "untrusted signer"
    assert "telah diubah" in post_file(client, document, content).content.decode()


def test_another_genuine_document_does_not_pass_for_this_one(client, document, resident):
    other = issue(resident, "AKM")
    assert check_signature(pdf_of(other)).genuine
    assert "telah diubah" in post_file(client, document, pdf_of(other)).content.decode()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "bukan PDF"),
        (b"\x00\xff garbage " * 100, "bukan PDF"),
        (b"%PDF-1.7\n" + b"\x00" * 5000, "telah diubah"),
        (b"<html><body>%PDF</body></html>", "bukan PDF"),
    ],
)
def test_garbage_gets_a_clear_message_not_an_error(client, document, content, message):
    response = post_file(client, document, content)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_a_post_without_a_file_asks_for_one(client, document):
    response = client.post(url(document), {})
    assert response.status_code == 422 and "Pilih berkas PDF" in response.content.decode()


def test_garbage_and_encrypted_pdfs_never_break_the_checker(document):
    content = pdf_of(document)
    encrypted = io.BytesIO()
    with pikepdf.open(io.BytesIO(content)) as parsed:
        parsed.save(encrypted, encryption=pikepdf.Encryption(owner="o", user="u"))
    for sample in (b"", b"%PDF-1.4", content[: len(content) // 2], encrypted.getvalue()):
        assert not check_signature(sample).genuine


def test_an_encrypted_copy_is_rejected(client, document):
    encrypted = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_of(document))) as parsed:
        parsed.save(encrypted, encryption=pikepdf.Encryption(owner="o", user=""))
    response = post_file(client, document, encrypted.getvalue())
    assert response.status_code == 422 and "telah diubah" in response.content.decode()


def test_a_huge_file_is_refused_unread(client, document, settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    response = post_file(client, document, b"%PDF-1.7\n" + b"0" * 200_000)
    assert response.status_code == 422
    assert "terlalu besar" in response.content.decode()


def test_a_huge_file_through_the_code_form_is_refused_unread(client, document, settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    response = client.post(
        "/verifikasi/",
        {"code": document.verification_code, "file": upload("a.pdf", b"%PDF-" + b"0" * 200_000)},
    )
    assert response.status_code == 413 and "terlalu besar" in response.content.decode()


def test_a_bank_clerk_needs_no_session_or_token(document):
    from django.test import Client

    clerk = Client(enforce_csrf_checks=True)
    response = clerk.post(url(document), {"file": upload("a.pdf", pdf_of(document))})
    assert response.status_code == 200 and "Asli dan utuh" in response.content.decode()


def test_the_code_form_leads_to_the_page_and_accepts_a_file(client, document):
    assert client.get("/verifikasi/").status_code == 200
    response = client.get("/verifikasi/", {"code": document.verification_code})
    assert response.status_code == 302 and response["Location"] == url(document)
    response = client.post(
        "/verifikasi/",
        {
            "code": f"  {document.verification_code} ",
            "file": upload("a.pdf", pdf_of(document), "application/pdf"),
        },
    )
    assert "Asli dan utuh" in response.content.decode()


def test_lookups_are_rate_limited_per_client(client, document, settings):
    settings.DOCUMENT_VERIFICATIONS_PER_MINUTE = 3
    codes = [200, 404, 200, 429]
    got = [
        client.get(path).status_code
        for path in (url(document), "/verifikasi/" + "n" * 32, url(document), url(document))
    ]
    assert got == codes
    other = client.get(url(document), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_english_page(client, document):
    client.post("/bahasa/", {"language": "en", "next": "/"})
    response = client.get(url(document))
    assert response.status_code == 200
    assert response.content.decode().count("B*** S******") == 1


# --- the resident's download ---------------------------------------------------------------


def test_the_owner_downloads_the_signed_pdf(resident_client, document):
    page = resident_client.get(f"/permohonan/{document.application.public_id}/").content.decode()
    assert "Unduh dokumen (PDF)" in page
    response = resident_client.get(f"/dokumen/{document.application.public_id}/unduh")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == pdf_of(document)


def test_the_page_says_the_document_is_being_prepared(resident_client, resident):
    application = make_issued(resident, "AKM")
    page = resident_client.get(f"/permohonan/{application.public_id}/").content.decode()
    assert "sedang disiapkan" in page and "Unduh dokumen" not in page
    assert resident_client.get(f"/dokumen/{application.public_id}/unduh").status_code == 404


def test_nobody_else_downloads_it(client, other_resident, document, officer_client):
    download = f"/dokumen/{document.application.public_id}/unduh"
    assert client.get(download).status_code == 302  # to sign-in
    client.force_login(other_resident)
    assert client.get(download).status_code == 404
    officer, _user = officer_client("operator")
    assert officer.get(download).status_code == 404


@functools.cache
def _signed_blank_page() -> bytes:
    return sign_pdf(pdf_bytes())


@settings_(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=st.binary(max_size=2048), cut=st.integers(min_value=0, max_value=30_000))
def test_any_bytes_are_an_answer_never_an_error(junk, cut):
    """Truncated, spliced and random PDFs: check_signature says no, it never raises."""
    genuine = _signed_blank_page()
    assert check_signature(genuine).genuine
    for sample in (b"%PDF-1.7\n" + junk, genuine[:cut] + junk, junk + genuine[cut:]):
        assert sample == genuine or not check_signature(sample).genuine

"""Someone with a printed akta (a bank clerk, a school) checks it in Chromium without an account:
the QR's page shows the masked holder; the genuine PDF passes, a tampered copy is rejected."""

import pytest

from tests.conftest import BALIKPAPAN_KK
from tests.documents.builders import issue, signing_certs  # noqa: F401 — session fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def document(signing_certs, reference_data):  # noqa: F811
    from accounts.models import User

    resident = User.objects.create(username="+6281234567890", phone="+6281234567890")
    return issue(resident, "AKL", data={"no_kk": BALIKPAPAN_KK, "name": "Budi Santoso"})


def test_a_verifier_checks_a_genuine_and_a_tampered_copy(page, document, tmp_path):
    with document.pdf.open("rb") as file:
        genuine = file.read()
    (tmp_path / "asli.pdf").write_bytes(genuine)
    # One letter of the title changed inside the signed bytes, as a forger's editor would.
    forged = genuine.replace(b"Kutipan Akta Kelahiran", b"Kutipan Akta Kelahiraa", 1)
    assert forged != genuine
    (tmp_path / "diubah.pdf").write_bytes(forged)

    page.goto(f"{page.base_url}/verifikasi/{document.verification_code}")
    assert page.locator("#holder-name").inner_text() == "B*** S******"
    assert page.locator("#document-type").inner_text() == "Kutipan Akta Kelahiran"
    assert page.locator("#document-status").inner_text() == "Berlaku"
    assert "Budi" not in page.content()

    page.set_input_files("input[name=file]", str(tmp_path / "diubah.pdf"))
    page.get_by_role("button", name="Periksa berkas").click()
    page.wait_for_load_state()
    assert (
        "bukan salinan asli dokumen ini atau telah diubah"
        in page.locator("#upload-result").inner_text()
    )

    page.set_input_files("input[name=file]", str(tmp_path / "asli.pdf"))
    page.get_by_role("button", name="Periksa berkas").click()
    page.wait_for_load_state()
    assert page.locator("#upload-result").inner_text().startswith("Asli dan utuh")


def test_a_code_typed_from_paper_and_an_unknown_one(page, document):
    page.goto(f"{page.base_url}/verifikasi/")
    page.fill("input[name=code]", document.verification_code)
    page.get_by_role("button", name="Periksa").click()
    page.wait_for_url(f"**/verifikasi/{document.verification_code}")
    assert page.locator("#document-number").inner_text() == document.number

    page.goto(f"{page.base_url}/verifikasi/{'x' * 32}")
    assert page.locator("#not-found").is_visible()

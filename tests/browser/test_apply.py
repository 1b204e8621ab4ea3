"""A resident in Chromium: sign in by SMS code, apply for a KTP-el (a file missing first, then
complete) and a KIA, in Indonesian and in English."""

import re

import pytest

from applications.models import Application
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK, CHILD_NIK, jpeg_bytes, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "id": {
        "send": "Kirim kode",
        "sign_in": "Masuk",
        "next": "Lanjut ke unggah berkas",
        "upload": "Unggah",
        "submit": "Ajukan permohonan",
        "missing": "Masih kurang 1 berkas",
        "complete": "Semua berkas wajib sudah lengkap.",
        "submitted": "Diajukan",
        "lost": "Pengganti karena hilang",
    },
    "en": {
        "send": "Send code",
        "sign_in": "Sign in",
        "next": "Continue to file upload",
        "upload": "Upload",
        "submit": "Submit application",
        "missing": "1 file still missing",
        "complete": "All required files are here.",
        "submitted": "Submitted",
        "lost": "Replacement for a lost card",
    },
}


@pytest.fixture
def files(tmp_path):
    jpg, pdf = tmp_path / "kk.jpg", tmp_path / "laporan.pdf"
    jpg.write_bytes(jpeg_bytes((640, 480)))
    pdf.write_bytes(pdf_bytes())
    return {"jpg": str(jpg), "pdf": str(pdf)}


def choose_language(page, lang):
    page.goto(page.base_url + "/")
    page.locator(f"button[name=language][value={lang}]").click()
    page.wait_for_load_state()


def sign_in(page, gateway, t):
    page.goto(page.base_url + "/masuk/")
    page.fill("input[name=phone]", "0812 3456 7890")
    page.get_by_role("button", name=t["send"]).click()
    page.wait_for_url("**/masuk/kode/")
    code = re.search(r"\b(\d{6})\b", gateway.messages[-1]["text"]).group(1)
    page.fill("input[name=code]", code)
    page.locator("main").get_by_role("button", name=t["sign_in"]).click()
    page.wait_for_url("**/permohonan/")


def upload_for(page, requirement_code, path, t):
    item = page.locator(f"li[data-requirement={requirement_code}]")
    item.locator("input[type=file]").set_input_files(path)
    item.get_by_role("button", name=t["upload"]).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_resident_applies_for_a_lost_ktp_then_a_kia(page, sms_gateway, files, lang):
    t = TEXT[lang]
    choose_language(page, lang)
    sign_in(page, sms_gateway, t)

    page.goto(page.base_url + "/permohonan/baru/KTP/")
    page.get_by_label(t["lost"]).check()
    page.fill("input[name=nik]", BALIKPAPAN_WOMAN_NIK)
    page.fill("input[name=no_kk]", BALIKPAPAN_KK)
    page.fill("input[name=name]", "Siti Aminah")
    page.select_option("select[name=sex]", "P")
    page.fill("input[name=birth_date]", "1990-07-01")
    page.select_option("select[name=village]", "6471051002")
    page.fill("input[name=address]", "Jl. Sudirman No. 1 RT 02")
    page.get_by_role("button", name=t["next"]).click()
    page.wait_for_url("**/permohonan/*/")

    upload_for(page, "kk", files["jpg"], t)
    assert t["missing"] in page.locator("#missing-summary").inner_text()
    assert page.get_by_role("button", name=t["submit"]).is_disabled()
    page.screenshot(path=f"/tmp/loket-ktp-missing-{lang}.png", full_page=True)

    upload_for(page, "surat_kehilangan", files["pdf"], t)
    assert page.locator("#missing-summary").inner_text() == t["complete"]
    page.get_by_role("button", name=t["submit"]).click()
    page.wait_for_load_state()
    number = page.locator("#registration-number").inner_text()
    assert re.fullmatch(r"KTP-\d{6}-\w{6}", number)
    assert t["submitted"] in page.locator("main").inner_text()
    assert page.locator("#promise-date").inner_text()
    page.screenshot(path=f"/tmp/loket-ktp-submitted-{lang}.png", full_page=True)

    page.goto(page.base_url + "/permohonan/baru/KIA/")
    page.fill("input[name=nik]", CHILD_NIK)
    page.fill("input[name=no_kk]", BALIKPAPAN_KK)
    page.fill("input[name=name]", "Budi")
    page.select_option("select[name=sex]", "L")
    page.fill("input[name=birth_date]", "2018-03-15")
    page.select_option("select[name=village]", "6471051002")
    page.fill("input[name=address]", "Jl. Sudirman No. 1 RT 02")
    page.get_by_role("button", name=t["next"]).click()
    page.wait_for_url("**/permohonan/*/")
    for code in ("akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk", "pas_foto"):
        upload_for(page, code, files["jpg"], t)
    page.get_by_role("button", name=t["submit"]).click()
    page.wait_for_load_state()
    assert page.locator("#registration-number").inner_text().startswith("KIA-")

    statuses = sorted(Application.objects.values_list("service__code", "status"))
    assert statuses == [("KIA", "submitted"), ("KTP", "submitted")]
    assert len(sms_gateway.messages) == 3  # sign-in code + two receipts

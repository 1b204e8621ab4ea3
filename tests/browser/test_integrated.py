"""Integrated services in Chromium: a resident reports a death once; the akta kematian comes
with the family's new KK and the widow's KTP-el change on one tracking page, and when it is
issued they download a signed PDF that `pyhanko sign validate` accepts."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from applications.models import Application
from tests.browser.test_apply import TEXT, files, sign_in, upload_for  # noqa: F401 — fixture
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK
from tests.documents.builders import signing_certs  # noqa: F401 — session fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DECEASED_NIK = "6471050505500002"
PYHANKO = Path(sys.executable).parent / "pyhanko"


def issue_as_siak_would(application):
    """Verified, approved centrally and issued: what central_record_result does."""
    from applications import lifecycle
    from documents.services import document_issue_later

    with transaction.atomic():
        for status in (
            lifecycle.IN_VERIFICATION,
            lifecycle.VERIFIED,
            lifecycle.SENT_TO_CENTRAL,
            lifecycle.APPROVED,
            lifecycle.ISSUED,
        ):
            lifecycle.transition(application, status, notify=status == lifecycle.ISSUED)
        document_issue_later(application=application)


def test_a_death_is_reported_once_and_yields_three_documents(
    page,
    sms_gateway,
    files,  # noqa: F811 — the fixture imported above
    signing_certs,  # noqa: F811 — the fixture imported above
    tmp_path,
):
    t = TEXT["id"]
    sign_in(page, sms_gateway, t)
    page.goto(page.base_url + "/permohonan/baru/AKM/")
    page.fill("input[name=nik]", DECEASED_NIK)
    page.fill("input[name=no_kk]", BALIKPAPAN_KK)
    page.fill("input[name=name]", "Budi Santoso")
    page.fill("input[name=event_date]", "2026-11-20")
    page.fill("input[name=event_place]", "RSUD Balikpapan")
    page.select_option("select[name=village]", "6471051002")
    page.fill("input[name=surviving_spouse_nik]", BALIKPAPAN_WOMAN_NIK)
    page.fill("input[name=surviving_spouse_name]", "Siti Aminah")
    page.get_by_role("button", name=t["next"]).click()
    page.wait_for_url("**/permohonan/*/")
    upload_for(page, "surat_kematian", files["pdf"], t)
    upload_for(page, "kk", files["jpg"], t)
    upload_for(page, "ktp_pelapor", files["jpg"], t)
    page.get_by_role("button", name=t["submit"]).click()
    page.wait_for_load_state()

    akm = Application.objects.get(service__code="AKM")
    kk, ktp = akm.linked.order_by("service__code")
    section = page.locator("#integrated").inner_text()
    for application in (akm, kk, ktp):
        assert application.registration_number in section
    assert (kk.service.code, ktp.service.code, ktp.nik) == ("KK", "KTP", BALIKPAPAN_WOMAN_NIK)
    page.screenshot(path="/tmp/loket-integrated.png", full_page=True)

    issue_as_siak_would(akm)
    page.reload()
    with page.expect_download() as download:
        page.locator("#document-download").click()
    pdf = tmp_path / "akta-kematian.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    result = subprocess.run(  # noqa: S603 — the CLI installed with the dev dependencies
        [str(PYHANKO), "sign", "validate", "--trust", settings.SIGNING_CA_CERT_PATH, str(pdf)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    # The family's KK is one click away, part of the same request.
    page.locator("#integrated").get_by_role("link", name="Kartu Keluarga (KK)").click()
    page.wait_for_url(f"**/permohonan/{kk.public_id}/")
    assert akm.registration_number in page.locator("#integrated").inner_text()

"""The pages over real HTTP (Django's test client): residents file, read and reopen complaints
and fill the survey; customer service answers, escalates, files at the desk and publishes; the
head of section reads the IKM report. Who may do what, and bad input."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from applications import lifecycle
from audit.models import AccessLog
from feedback import services
from feedback.models import Complaint, FaqEntry, SurveyResponse
from notifications.models import OutboxMessage
from tests.conftest import BALIKPAPAN_WOMAN_NIK, officer_login
from tests.feedback.conftest import local
from tests.feedback.test_ikm import SEKADAU_FIRST_TEN

pytestmark = pytest.mark.django_db

ALL_FOUR = {f"u{i}": "4" for i in range(1, 10)}


def text(response) -> str:
    return response.content.decode()


def post_complaint(client, **fields):
    data = {
        "category": "delay",
        "subject": "KTP belum jadi",
        "body": "Sudah lewat janji.",
        **fields,
    }
    return client.post("/pengaduan/baru/", data)


# --- residents ------------------------------------------------------------------------------


def test_a_resident_files_a_complaint_about_their_application(resident_client, make_application):
    application = make_application()
    form = resident_client.get("/pengaduan/baru/")
    assert form.status_code == 200 and application.registration_number in text(form)
    response = post_complaint(resident_client, application=str(application.public_id))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pengaduan/{complaint.public_id}/"
    assert complaint.application == application and complaint.channel == "web"
    page = resident_client.get(response["Location"])
    assert "KTP belum jadi" in text(page) and "Menunggu jawaban" in text(page)
    assert "KTP belum jadi" in text(resident_client.get("/pengaduan/"))


@pytest.mark.parametrize(
    "fields",
    [{"category": "weather"}, {"subject": ""}, {"body": "   "}, {"application": "not-mine"}],
)
def test_bad_complaint_input_is_shown_and_nothing_is_written(resident_client, fields):
    response = post_complaint(resident_client, **fields)
    assert response.status_code == 400
    assert 'class="errorlist"' in text(response)
    assert not Complaint.objects.exists() and not OutboxMessage.objects.exists()


def test_someone_elses_application_is_not_offered_and_not_accepted(
    resident_client, other_resident, make_application
):
    theirs = make_application(owner=other_resident)
    assert theirs.registration_number not in text(resident_client.get("/pengaduan/baru/"))
    assert post_complaint(resident_client, application=str(theirs.public_id)).status_code == 400
    assert not Complaint.objects.exists()


def test_a_resident_sees_only_their_own_complaints(resident_client, other_resident):
    theirs = services.complaint_file(
        resident=other_resident, category="delay", subject="Rahasia", body="isi"
    )
    assert resident_client.get(f"/pengaduan/{theirs.public_id}/").status_code == 404
    assert "Rahasia" not in text(resident_client.get("/pengaduan/"))
    assert (
        resident_client.post(f"/pengaduan/{theirs.public_id}/buka-kembali/", {"reason": "x"})
    ).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in_but_the_faq_is_public(client):
    for url in ("/pengaduan/", "/pengaduan/baru/"):
        response = client.get(url)
        assert response.status_code == 302 and "/masuk/" in response["Location"]
    assert client.get("/pengaduan/faq/").status_code == 200


def test_answer_then_reopen_once_then_a_clear_message(resident_client, resident, customer_service):
    cs_client, _cs = customer_service
    complaint = services.complaint_file(
        resident=resident, category="delay", subject="Lama", body="Kapan?"
    )
    url = f"/kantor/pengaduan/{complaint.public_id}/"
    assert cs_client.post(url + "jawab/", {"answer": "Besok siap diambil."}).status_code == 302
    page = text(resident_client.get(f"/pengaduan/{complaint.public_id}/"))
    assert "Besok siap diambil." in page and "Buka kembali pengaduan" in page
    reopen = f"/pengaduan/{complaint.public_id}/buka-kembali/"
    assert resident_client.post(reopen, {"reason": "Belum ada kabar"}).status_code == 302
    assert cs_client.post(url + "jawab/", {"answer": "Sudah siap."}).status_code == 302
    second = resident_client.post(reopen, {"reason": "Lagi"})
    assert second.status_code == 409
    assert "sudah pernah dibuka kembali satu kali" in text(second)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.ANSWERED and complaint.reopen_count == 1
    assert "Buka kembali pengaduan" not in text(
        resident_client.get(f"/pengaduan/{complaint.public_id}/")
    )


# --- customer service and the head of section -----------------------------------------------

OFFICER_PAGES = ["/kantor/pengaduan/", "/kantor/pengaduan/baru/", "/kantor/ikm/"]


@pytest.mark.parametrize("role", ["verifier", "operator", "front_desk", "pickup_desk"])
def test_other_officers_get_403(officer_client, role, resident):
    complaint = services.complaint_file(resident=resident, category="delay", subject="s", body="b")
    client, _user = officer_client(role)
    for url in OFFICER_PAGES + [f"/kantor/pengaduan/{complaint.public_id}/"]:
        assert client.get(url).status_code == 403, url
    for action in ("jawab", "eskalasi", "faq"):
        url = f"/kantor/pengaduan/{complaint.public_id}/{action}/"
        assert client.post(url, {"answer": "x", "question": "q"}).status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == Complaint.OPEN


def test_residents_and_strangers_do_not_reach_the_office_pages(resident_client):
    for url in OFFICER_PAGES:
        response = resident_client.get(url)
        assert response.status_code in (302, 403), url
        response = Client().get(url)
        assert response.status_code == 302 and "next=" in response["Location"]


def test_the_head_of_section_reads_and_answers_but_does_not_file_at_the_desk(head, resident):
    client, _user = head
    complaint = services.complaint_file(resident=resident, category="delay", subject="s", body="b")
    assert client.get("/kantor/pengaduan/").status_code == 200
    assert client.get("/kantor/ikm/").status_code == 200
    assert client.get("/kantor/pengaduan/baru/").status_code == 403
    url = f"/kantor/pengaduan/{complaint.public_id}/jawab/"
    assert client.post(url, {"answer": "Dijawab kasi."}).status_code == 302


def test_the_officer_list_flags_overdue_and_escalates_on_load(clock, resident, customer_service):
    client, cs = customer_service
    clock(local(2026, 12, 23))
    late = services.complaint_file(
        resident=resident, category="information", subject="Terlambat", body="b"
    )
    on_time = services.complaint_file(
        resident=resident, category="data_error", subject="Masih ada waktu", body="b"
    )
    clock(local(2026, 12, 31, 9))
    officer_login(client, cs)  # the session from the fixture's day would have expired
    page = text(client.get("/kantor/pengaduan/"))
    assert "1 pengaduan melewati batas waktu dan dieskalasi ke kepala seksi." in page
    late_row = page.split(f'id="complaint-{late.public_id}"')[1].split("</tr>")[0]
    on_time_row = page.split(f'id="complaint-{on_time.public_id}"')[1].split("</tr>")[0]
    assert "terlambat" in late_row and "Dieskalasi" in late_row
    assert "terlambat" not in on_time_row
    only_late = text(client.get("/kantor/pengaduan/?terlambat=1"))
    assert "Terlambat" in only_late and "Masih ada waktu" not in only_late
    escalated = text(client.get("/kantor/pengaduan/?status=escalated"))
    assert "Terlambat" in escalated and "Masih ada waktu" not in escalated


def test_manual_escalation_and_its_refusal_when_not_open(resident, customer_service):
    client, cs = customer_service
    complaint = services.complaint_file(resident=resident, category="delay", subject="s", body="b")
    url = f"/kantor/pengaduan/{complaint.public_id}/eskalasi/"
    assert client.post(url, {"reason": "Perlu keputusan kasi"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.ESCALATED
    again = client.post(url, {"reason": "lagi"})
    assert again.status_code == 409 and "Hanya pengaduan yang menunggu jawaban" in text(again)


def test_an_empty_answer_is_refused(resident, customer_service):
    client, _cs = customer_service
    complaint = services.complaint_file(resident=resident, category="delay", subject="s", body="b")
    response = client.post(f"/kantor/pengaduan/{complaint.public_id}/jawab/", {"answer": " "})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == Complaint.OPEN and complaint.answer == ""


def test_opening_a_complaint_tied_to_an_application_is_audited(
    resident, make_application, customer_service
):
    client, cs = customer_service
    application = make_application()
    complaint = services.complaint_file(
        resident=resident, category="delay", subject="s", body="b", application=application
    )
    assert client.get(f"/kantor/pengaduan/{complaint.public_id}/").status_code == 200
    log = AccessLog.objects.get()
    assert log.officer == cs and log.application == application and log.screen == "complaint"


def test_desk_filing_for_a_walk_in_resident(customer_service, make_application):
    client, cs = customer_service
    application = make_application()
    response = client.post(
        "/kantor/pengaduan/baru/",
        {
            "phone": "0813 5555 6666",
            "category": "delay",
            "registration_number": application.registration_number.lower(),
            "subject": "Datang ke loket",
            "body": "Belum jadi.",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == "desk" and complaint.filed_by == cs
    assert complaint.application == application and complaint.phone == "+6281355556666"
    bad = client.post(
        "/kantor/pengaduan/baru/",
        {"phone": "123", "category": "delay", "subject": "x", "body": "y"},
    )
    assert bad.status_code == 400 and "Nomor HP tidak valid" in text(bad)
    unknown = client.post(
        "/kantor/pengaduan/baru/",
        {
            "phone": "081355556666",
            "category": "delay",
            "registration_number": "KTP-000000-ZZZZZZ",
            "subject": "x",
            "body": "y",
        },
    )
    assert unknown.status_code == 400 and "tidak ditemukan" in text(unknown)
    assert Complaint.objects.count() == 1


def test_publishing_an_answer_puts_it_on_the_public_faq_without_personal_data(
    resident, make_application, customer_service, client
):
    cs_client, _cs = customer_service
    application = make_application(name="Dewi Lestari")
    complaint = services.complaint_file(
        resident=resident,
        application=application,
        category="information",
        subject="Syarat KIA",
        body=f"Saya Dewi Lestari NIK {BALIKPAPAN_WOMAN_NIK}, apa syarat KIA?",
    )
    url = f"/kantor/pengaduan/{complaint.public_id}/"
    cs_client.post(url + "jawab/", {"answer": "Bu Dewi, syaratnya akta kelahiran dan KK."})
    prefilled = text(cs_client.get(url))
    assert BALIKPAPAN_WOMAN_NIK not in prefilled.split("Terbitkan sebagai FAQ")[1]
    response = cs_client.post(
        url + "faq/",
        {
            "question": f"Dewi Lestari ({BALIKPAPAN_WOMAN_NIK}, 081234567890): apa syarat KIA?",
            "answer": f"Bu Dewi, untuk {application.registration_number}: akta kelahiran dan KK.",
        },
    )
    assert response.status_code == 302
    faq = text(client.get("/pengaduan/faq/"))
    assert "apa syarat KIA?" in faq and "akta kelahiran dan KK" in faq
    for secret in (
        "Dewi",
        "Lestari",
        BALIKPAPAN_WOMAN_NIK,
        "081234567890",
        application.registration_number,
    ):
        assert secret not in faq, secret
    assert FaqEntry.objects.count() == 1


# --- the survey -----------------------------------------------------------------------------


def test_the_survey_shows_the_regulations_wording(resident_client, make_application):
    application = make_application()
    page = text(resident_client.get(f"/survei/{application.public_id}/"))
    for wording in ("Sangat sesuai", "Gratis", "Dikelola dengan baik", "Sangat kompeten"):
        assert wording in page
    assert page.count('type="radio"') == 36


def test_one_response_per_application_the_second_gets_a_clear_message(
    resident_client, make_application
):
    application = make_application()
    url = f"/survei/{application.public_id}/?via=whatsapp"
    first = resident_client.post(url, {**ALL_FOUR, "comment": "Cepat!", "via": "whatsapp"})
    assert first.status_code == 200 and "Jawaban survei Anda sudah kami terima." in text(first)
    saved = SurveyResponse.objects.get()
    assert saved.channel == "whatsapp" and saved.scores == [4] * 9 and saved.comment == "Cepat!"
    second = resident_client.post(url, {**ALL_FOUR, "u1": "1"})
    assert second.status_code == 409
    assert "Survei untuk permohonan ini sudah Anda isi." in text(second)
    assert SurveyResponse.objects.get().u1 == 4


@pytest.mark.parametrize("bad", [{"u3": "5"}, {"u9": "0"}, {"u1": "x"}, {"u5": ""}])
def test_out_of_range_or_missing_scores_are_refused(resident_client, make_application, bad):
    application = make_application()
    response = resident_client.post(f"/survei/{application.public_id}/", {**ALL_FOUR, **bad})
    assert response.status_code == 400
    assert "harus salah satu pilihan 1 sampai 4" in text(response)
    assert not SurveyResponse.objects.exists()


def test_no_survey_before_the_handover_nor_on_someone_elses_application(
    resident_client, make_application, other_resident
):
    printing = make_application(status=lifecycle.PRINTED)
    response = resident_client.post(f"/survei/{printing.public_id}/", ALL_FOUR)
    assert response.status_code == 400 and "setelah dokumen Anda diterima" in text(response)
    theirs = make_application(owner=other_resident)
    assert resident_client.post(f"/survei/{theirs.public_id}/", ALL_FOUR).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_survey_invite_queues_a_link_on_the_residents_channel(resident, make_application):
    from django.db import transaction

    application = make_application()
    with transaction.atomic():
        message = services.survey_invite(application=application)
    assert message.recipient == resident.phone and message.channel == "sms"
    assert f"/survei/{application.public_id}/?via=sms" in message.body
    SurveyResponse.objects.create(
        application=application,
        service=application.service,
        channel="sms",
        answered_on=datetime.date(2026, 11, 24),
        **{f"u{i}": 4 for i in range(1, 10)},
    )
    assert services.survey_invite(application=application) is None  # already answered


# --- the IKM report --------------------------------------------------------------------------


def test_the_report_shows_the_same_figures_as_the_import_command(tmp_path, head):
    client, _user = head
    lines = ["respondent,date,service,u1,u2,u3,u4,u5,u6,u7,u8,u9"] + [
        f"P{n},2026-11-{n + 1:02d},KTP," + ",".join(map(str, scores))
        for n, scores in enumerate(SEKADAU_FIRST_TEN, start=1)
    ]
    path = tmp_path / "kertas.csv"
    path.write_text("\n".join(lines) + "\n")
    out = StringIO()
    call_command("import_survey", str(path), stdout=out)
    printed = out.getvalue()
    page = text(client.get("/kantor/ikm/?channel=paper&service=KTP"))
    assert 'id="ikm-value">78,89<' in page and "IKM: 78,89 (B, Baik)" in printed
    for line in printed.splitlines()[1:10]:
        code, average = line.split(" ")[0].lower(), line.rsplit(": ", 1)[1]
        row = page.split(f'data-element="{code}"')[1].split("</tr>")[0]
        assert f"<td>{average}</td>" in row, (code, average)
    # The period filter: the first five days only.
    first_five = text(client.get("/kantor/ikm/?start=2026-11-02&end=2026-11-06"))
    assert "5 responden" in first_five
    assert 'id="ikm-empty"' in text(client.get("/kantor/ikm/?channel=web"))


def test_the_report_splits_by_service_and_channel_and_shows_positive_feedback(
    head, make_application, resident
):
    client, _user = head
    ktp, kia = make_application("KTP"), make_application("KIA")
    services.survey_answer(
        application=ktp,
        resident=resident,
        scores=ALL_FOUR,
        comment="Petugas ramah sekali",
        channel="sms",
    )
    services.survey_answer(
        application=kia,
        resident=resident,
        scores={**ALL_FOUR, "u3": 1},
        comment="Lambat sekali",
    )
    services.complaint_file(resident=resident, category="delay", subject="Antre lama", body="b")
    page = text(client.get("/kantor/ikm/"))
    by_service = page.split('id="ikm-by-service"')[1].split("</table>")[0]
    assert "<td>KTP</td><td>100,00 (A)</td>" in by_service
    assert "<td>KIA</td><td>91,67 (A)</td>" in by_service
    by_channel = page.split('id="ikm-by-channel"')[1].split("</table>")[0]
    assert "<td>SMS</td><td>100,00 (A)</td>" in by_channel
    positive = page.split('id="positive-feedback"')[1].split("</section>")[0]
    assert "Petugas ramah sekali" in positive and "Lambat sekali" not in positive
    assert "Antre lama" in page.split('id="evaluation-complaints"')[1]
    overall = ((Decimal(36) + Decimal(33)) / 2 / 9 * 25).quantize(Decimal("0.01"))
    assert f'id="ikm-value">{str(overall).replace(".", ",")}<' in page


def test_a_period_ending_before_it_starts_is_refused(head):
    client, _user = head
    page = text(client.get("/kantor/ikm/?start=2026-11-10&end=2026-11-01"))
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in page


def test_a_survey_comment_with_a_nul_character_is_refused(resident_client, make_application):
    application = make_application()
    response = resident_client.post(
        f"/survei/{application.public_id}/", {**ALL_FOUR, "comment": "baik\x00"}
    )
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()

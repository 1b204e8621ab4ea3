"""Complaint rules on the real database: deadlines in working days (across a weekend and the
Christmas holidays), overdue flags and automatic escalation, reopen once, notices, and the
anonymised FAQ."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from feedback import services
from feedback.anonymise import anonymise
from feedback.models import CATEGORIES, Complaint, ComplaintEvent, FaqEntry
from loket.errors import DomainError
from notifications.models import OutboxMessage
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK
from tests.feedback.conftest import local
from workdays.models import OfficeDay

pytestmark = pytest.mark.django_db


def file(resident, category="information", **extra):
    return services.complaint_file(
        resident=resident,
        category=category,
        subject=extra.pop("subject", "Kapan KTP saya jadi?"),
        body=extra.pop("body", "Sudah dua minggu belum ada kabar."),
        **extra,
    )


def test_the_category_table_uses_only_lapors_3_5_10_days():
    assert {days for _label, days in CATEGORIES.values()} == {3, 5, 10}


def test_the_deadline_skips_the_weekend_and_an_after_hours_filing_starts_monday(clock, resident):
    clock(local(2026, 11, 20, 16, 30))  # Friday, after closing time (16:00)
    complaint = file(resident, "information")
    # counted from Monday 23 Nov: 24, 25, 26 → Thursday 26 November
    assert complaint.deadline == datetime.date(2026, 11, 26)


def test_the_deadline_skips_christmas_cuti_bersama_and_new_year(clock, resident):
    clock(local(2026, 12, 23))  # Wednesday; 24 Dec cuti bersama, 25 Dec Christmas
    three = file(resident, "information")
    five = file(resident, "delay")
    ten = file(resident, "data_error")
    assert three.deadline == datetime.date(2026, 12, 30)  # 28, 29, 30
    assert five.deadline == datetime.date(2027, 1, 4)  # 28, 29, 30, 31, (1 Jan), 4
    # … 4, (5 Jan Isra Mi'raj), 6, 7, 8, 11, 12
    assert ten.deadline == datetime.date(2027, 1, 12)


def test_an_office_closure_day_also_counts(clock, resident):
    OfficeDay.objects.create(date=datetime.date(2026, 11, 24), is_working_day=False)
    clock(local(2026, 11, 23))
    assert file(resident, "information").deadline == datetime.date(2026, 11, 27)


def test_overdue_only_after_the_deadline_day_and_then_escalated_automatically(clock, resident):
    clock(local(2026, 12, 23))
    complaint = file(resident, "information")  # deadline Wednesday 30 December
    assert not complaint.is_overdue(datetime.date(2026, 12, 30))
    assert complaint.is_overdue(datetime.date(2026, 12, 31))
    assert services.complaints_escalate_overdue(today=datetime.date(2026, 12, 30)) == 0
    assert services.complaints_escalate_overdue(today=datetime.date(2026, 12, 31)) == 1
    complaint.refresh_from_db()
    assert complaint.status == Complaint.ESCALATED
    event = complaint.events.get(kind=ComplaintEvent.ESCALATED)
    assert event.actor is None and "Otomatis" in event.text
    # already escalated: the next sweep leaves it alone
    assert services.complaints_escalate_overdue(today=datetime.date(2027, 1, 5)) == 0


def test_the_escalation_command(clock, resident):
    clock(local(2026, 12, 23))
    file(resident, "information")
    file(resident, "data_error")
    clock(local(2026, 12, 31))
    out = StringIO()
    call_command("complaints_escalate", stdout=out)
    assert out.getvalue().strip() == "1 complaint(s) escalated"
    assert Complaint.objects.filter(status=Complaint.ESCALATED).count() == 1


def test_answered_complaints_are_never_escalated(clock, resident, officer_client):
    _client, officer = officer_client("customer_service")
    clock(local(2026, 12, 23))
    complaint = file(resident)
    services.complaint_answer(complaint=complaint, answer="Sudah dicetak.", officer=officer)
    assert services.complaints_escalate_overdue(today=datetime.date(2027, 2, 1)) == 0


def test_filing_and_answering_notify_the_resident_in_the_outbox(resident, officer_client):
    _client, officer = officer_client("customer_service")
    complaint = file(resident)
    filed = OutboxMessage.objects.get()
    assert filed.recipient == resident.phone and filed.channel == "sms"
    assert str(complaint.public_id) in filed.body
    services.complaint_answer(complaint=complaint, answer="KTP Anda siap.", officer=officer)
    assert OutboxMessage.objects.count() == 2
    assert "sudah dijawab" in OutboxMessage.objects.latest("id").body


def test_reopen_once_then_a_clear_refusal(clock, resident, officer_client):
    _client, officer = officer_client("customer_service")
    clock(local(2026, 11, 23))
    complaint = file(resident)
    services.complaint_answer(complaint=complaint, answer="Jawaban pertama.", officer=officer)
    clock(local(2026, 11, 27))  # Friday
    reopened = services.complaint_reopen(
        complaint=complaint, resident=resident, reason="Belum jelas."
    )
    assert reopened.status == Complaint.OPEN and reopened.reopen_count == 1
    assert reopened.deadline == datetime.date(2026, 12, 2)  # fresh 3 working days from Friday
    services.complaint_answer(complaint=complaint, answer="Jawaban kedua.", officer=officer)
    with pytest.raises(DomainError) as refused:
        services.complaint_reopen(complaint=complaint, resident=resident, reason="Lagi.")
    assert "sudah pernah dibuka kembali satu kali" in refused.value.messages[0]
    complaint.refresh_from_db()
    assert complaint.status == Complaint.ANSWERED and complaint.answer == "Jawaban kedua."
    answers = complaint.events.filter(kind=ComplaintEvent.ANSWERED).values_list("text", flat=True)
    assert list(answers) == ["Jawaban pertama.", "Jawaban kedua."]


def test_an_unanswered_complaint_cannot_be_reopened(resident):
    complaint = file(resident)
    with pytest.raises(DomainError) as refused:
        services.complaint_reopen(complaint=complaint, resident=resident, reason="x")
    assert refused.value.problems[0].code == "complaint_not_answered"


def test_a_second_answer_is_refused_and_the_first_stands(resident, officer_client):
    _c, first = officer_client("customer_service")
    _c, second = officer_client("head_of_section")
    complaint = file(resident)
    services.complaint_answer(complaint=complaint, answer="Satu.", officer=first)
    with pytest.raises(DomainError):
        services.complaint_answer(complaint=complaint, answer="Dua.", officer=second)
    complaint.refresh_from_db()
    assert complaint.answer == "Satu." and complaint.answered_by == first


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"category": "weather"}, "category_unknown"),
        ({"subject": "   "}, "subject_empty"),
        ({"body": ""}, "body_empty"),
        ({"body": "x" * 4001}, "body_too_long"),
    ],
)
def test_bad_complaints_are_refused_and_nothing_is_written(resident, fields, code):
    arguments = {"category": "information", "subject": "Judul", "body": "Isi", **fields}
    with pytest.raises(DomainError) as refused:
        services.complaint_file(resident=resident, **arguments)
    assert refused.value.problems[0].code == code
    assert not Complaint.objects.exists() and not OutboxMessage.objects.exists()


def test_a_complaint_about_someone_elses_application_is_refused(
    resident, other_resident, make_application
):
    theirs = make_application(owner=other_resident)
    with pytest.raises(DomainError):
        file(resident, application=theirs)
    assert not Complaint.objects.exists()


def test_desk_filing_for_a_walk_in_resident_by_phone(officer_client):
    _client, officer = officer_client("customer_service")
    complaint = services.complaint_file(
        phone="0812-1111 2222",
        category="delay",
        subject="Akta belum jadi",
        body="Datang langsung ke loket.",
        channel="desk",
        acting_user=officer,
    )
    assert complaint.phone == "+6281211112222" and complaint.resident is None
    assert OutboxMessage.objects.get().recipient == "+6281211112222"
    with pytest.raises(DomainError) as refused:
        services.complaint_file(
            phone="12345", category="delay", subject="x", body="y", channel="desk"
        )
    assert refused.value.problems[0].code == "phone_invalid"


# --- the anonymised FAQ --------------------------------------------------------------------


def test_anonymise_strips_nik_phone_registration_numbers_email_and_names():
    text = (
        f"Ibu Siti Aminah (NIK {BALIKPAPAN_WOMAN_NIK}, KK 6471 0501 0110 0003) dari "
        "Sepinggan, HP 0812-3456-7890 / +6281234567890, permohonan KTP-261120-AB3CDE, "
        "email siti@example.id, dilayani Pak Budi. Siti sudah menunggu."
    )
    clean = anonymise(text, names=["Siti Aminah"])
    for secret in (
        BALIKPAPAN_WOMAN_NIK,
        "6471 0501 0110 0003",
        "0812-3456-7890",
        "+6281234567890",
        "KTP-261120-AB3CDE",
        "siti@example.id",
        "Siti",
        "Aminah",
        "Budi",
    ):
        assert secret not in clean, secret
    assert "Sepinggan" in clean and "[NIK]" in clean and "[nomor HP]" in clean


def test_publishing_anonymises_whatever_the_officer_typed(
    resident, make_application, officer_client
):
    _client, officer = officer_client("customer_service")
    officer.first_name, officer.last_name = "Rudi", "Hartono"
    officer.save()
    application = make_application(name="Dewi Lestari")
    complaint = file(
        resident,
        application=application,
        subject="KTP belum jadi",
        body=f"Saya Dewi Lestari, NIK {BALIKPAPAN_WOMAN_NIK}, HP 081234567890.",
    )
    complaint = services.complaint_answer(
        complaint=complaint,
        answer=f"Bu Dewi, permohonan {application.registration_number} sudah dicetak. Rudi.",
        officer=officer,
    )
    entry = services.faq_publish(
        complaint=complaint,
        question=complaint.body,
        answer=complaint.answer,
        officer=officer,
    )
    public = entry.question + entry.answer
    for secret in (
        "Dewi",
        "Lestari",
        BALIKPAPAN_WOMAN_NIK,
        "081234567890",
        application.registration_number,
        "Rudi",
        BALIKPAPAN_KK,
    ):
        assert secret not in public, secret
    assert "sudah dicetak" in entry.answer
    assert FaqEntry.objects.count() == 1


def test_only_answered_complaints_can_be_published(resident, officer_client):
    _client, officer = officer_client("customer_service")
    complaint = file(resident)
    with pytest.raises(DomainError):
        services.faq_publish(complaint=complaint, question="q", answer="a", officer=officer)
    assert not FaqEntry.objects.exists()


def test_a_nul_character_is_refused_not_stored(resident):
    with pytest.raises(DomainError) as refused:
        file(resident, body="isi\x00")
    assert refused.value.problems[0].code == "body_invalid"
    assert not Complaint.objects.exists()

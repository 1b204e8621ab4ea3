"""Disruptions: declared by the head of section, shown on every page and a public status
page; promise dates shift by the working days lost and residents are told; when it is over,
they are told service is back."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from notifications.models import OutboxMessage
from tests.backoffice.conftest import submit_application
from workdays import disruptions
from workdays.models import Disruption, DisruptionShift

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WITA)


# 2026-12-01 is a Tuesday; 2026-12-25 is Christmas (a national holiday), a Friday.
TUESDAY, WEDNESDAY, THURSDAY = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)


@pytest.mark.parametrize(
    ("start", "end", "lost"),
    [
        (at(TUESDAY, 9), at(TUESDAY, 11), 1),  # part of one working day
        (at(TUESDAY, 9), at(THURSDAY, 10), 3),
        (at(TUESDAY, 17), at(WEDNESDAY, 7), 0),  # overnight, outside office hours
        (at(date(2026, 12, 4), 9), at(date(2026, 12, 7), 10), 2),  # Friday to Monday
        (at(date(2026, 12, 25), 9), at(date(2026, 12, 28), 10), 1),  # Christmas is no loss
    ],
)
def test_lost_working_days_count_office_hours_on_working_days(start, end, lost):
    assert disruptions.lost_working_days(start, end) == lost


def declare(officer_client, **fields):
    client, _ = officer_client("head_of_section")
    data = {
        "kind": "network",
        "description": "Jaringan ke pusat terputus",
        "starts_at": "2026-12-01T08:00",
        "ends_at": "2026-12-02T16:00",
        **fields,
    }
    return client, client.post(reverse("workdays:officer"), data)


def test_declaring_shifts_promise_dates_and_tells_each_resident(
    officer_client, resident, sms_gateway, django_capture_on_commit_callbacks
):
    ktp = submit_application(resident)
    ktp.promise_date = date(2026, 12, 2)
    ktp.save(update_fields=["promise_date"])
    before = OutboxMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client, response = declare(officer_client)
    assert response.status_code == 302
    disruption = Disruption.objects.get()
    assert disruption.lost_working_days == 2
    ktp.refresh_from_db()
    assert ktp.promise_date == date(2026, 12, 4)  # Wednesday + 2 working days
    notice = OutboxMessage.objects.filter(application=ktp).order_by("-pk").first()
    assert OutboxMessage.objects.count() == before + 1
    assert "Jaringan ke pusat terputus" in notice.body and "4 Desember 2026" in notice.body
    assert ktp.events.filter(data__disruption=disruption.pk).count() == 1

    # Run again (a worker restarted): nothing moves twice.
    assert disruptions.shift_batch(disruption.pk) == 0
    assert DisruptionShift.objects.count() == 1


def test_only_the_affected_services_move(officer_client, resident):
    from catalogue.models import Service

    ktp = submit_application(resident)
    kk = submit_application(resident, service_code="KK", variant_code="PERUBAHAN")
    kk_service = Service.objects.get(code="KK")
    for application in (ktp, kk):
        application.promise_date = date(2026, 12, 2)
        application.save(update_fields=["promise_date"])
    disruption = disruptions.disruption_declare(
        kind="blanks",
        description="Blanko KTP-el habis",
        starts_at=at(TUESDAY, 8),
        ends_at=at(TUESDAY, 16),
        services=[Service.objects.get(code="KTP")],
    )
    disruptions.shift_batch(disruption.pk)
    ktp.refresh_from_db()
    kk.refresh_from_db()
    assert ktp.promise_date == date(2026, 12, 3)
    assert kk.promise_date == date(2026, 12, 2) and kk.service == kk_service


def test_every_page_shows_the_banner_and_the_status_page_lists_it(client, officer_client):
    assert 'id="all-normal"' in client.get(reverse("workdays:status")).content.decode()
    now = datetime.now(WITA)
    disruptions.disruption_declare(
        kind="power",
        description="Listrik padam di gedung pelayanan",
        starts_at=now.replace(microsecond=0),
        ends_at=now.replace(microsecond=0) + timedelta(days=1),
    )
    for url in (reverse("home"), reverse("catalogue:list"), reverse("workdays:status")):
        html = client.get(url).content.decode()
        assert 'id="disruption-banner"' in html
        assert "Listrik padam di gedung pelayanan" in html


def test_an_end_before_the_start_is_refused_and_nothing_is_written(officer_client):
    client, response = declare(officer_client, ends_at="2026-11-30T08:00")
    assert response.status_code == 400
    assert "Waktu selesai harus sesudah waktu mulai." in response.content.decode()
    assert not Disruption.objects.exists()


def test_missing_times_and_text_get_messages(officer_client):
    client, response = declare(officer_client, starts_at="", description="")
    assert response.status_code == 400
    assert not Disruption.objects.exists()


def test_ending_tells_the_residents_once(officer_client, resident, sms_gateway):
    ktp = submit_application(resident)
    now = datetime.now(WITA).replace(microsecond=0)
    ktp.promise_date = now.date()
    ktp.save(update_fields=["promise_date"])
    disruption = disruptions.disruption_declare(
        kind="central",
        description="Pemeliharaan SIAK",
        starts_at=now.replace(hour=0, minute=0, second=0),
        ends_at=now.replace(hour=23, minute=59),
    )
    disruptions.shift_batch(disruption.pk)
    client, officer = officer_client("head_of_section")
    response = client.post(reverse("workdays:end", args=[disruption.pk]))
    assert response.status_code == 302
    back = OutboxMessage.objects.filter(body__contains="layanan sudah normal kembali")
    assert back.count() == 1
    again = client.post(reverse("workdays:end", args=[disruption.pk]), follow=True)
    assert "sudah dinyatakan selesai" in again.content.decode()
    call_command("disruptions_sweep")
    assert back.count() == 1


def test_the_sweeper_closes_a_disruption_whose_end_passed(resident, sms_gateway):
    ktp = submit_application(resident)
    ktp.promise_date = date(2026, 12, 1)
    ktp.save(update_fields=["promise_date"])
    disruption = disruptions.disruption_declare(
        kind="network",
        description="Jaringan terputus",
        starts_at=at(date(2026, 11, 2), 8),
        ends_at=at(date(2026, 11, 2), 12),
    )
    call_command("disruptions_sweep")
    disruption.refresh_from_db()
    assert disruption.back_notice_sent_at is not None
    assert OutboxMessage.objects.filter(body__contains="normal kembali").count() == 1


def test_only_the_head_of_section_declares(officer_client, client):
    verifier, _ = officer_client("verifier")
    assert verifier.get(reverse("workdays:officer")).status_code == 403
    assert client.get(reverse("workdays:officer")).status_code == 302


def test_an_application_submitted_during_a_disruption_gets_the_later_date(resident):
    from workdays.calendar import promise_date_for

    now = datetime.now(WITA).replace(microsecond=0)
    disruptions.disruption_declare(
        kind="network",
        description="Jaringan terputus",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=14),
    )
    ktp = submit_application(resident)
    plain = promise_date_for(3, ktp.submitted_at)
    assert ktp.promise_date > plain
    assert disruptions.promise_with_disruptions(ktp.service_id, ktp.submitted_at, plain) == (
        ktp.promise_date
    )

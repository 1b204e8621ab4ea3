"""Every resident page, with the data it needs, for the accessibility and page-weight checks.

`resident_pages()` builds one of everything a resident can look at (a draft, a submitted and a
ready application, a complaint, a visit booking, a queue ticket, a survey) and returns the pages
as (name, path, who) rows: who is "anonymous", "pending" (a sign-in code was sent) or "resident".
"""

from datetime import time, timedelta

from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK

PUBLIC = [
    ("home", "/"),
    ("services", "/layanan/"),
    ("service KTP", "/layanan/KTP/"),
    ("service KIA", "/layanan/KIA/"),
    ("service AKM", "/layanan/AKM/"),
    ("sign in", "/masuk/"),
    ("service status", "/status-layanan/"),
    ("verify start", "/verifikasi/"),
    ("verify unknown code", "/verifikasi/TIDAKADA12"),
    ("queue board", "/antrian/papan/"),
    ("complaints FAQ", "/pengaduan/faq/"),
    ("not found", "/tidak-ada/"),
]


def _draft(resident):
    from applications import services
    from catalogue.models import Service

    service = Service.objects.get(code="KTP")
    return services.application_start(
        resident=resident,
        service=service,
        variant=service.variants.get(code="HILANG"),
        data={
            "nik": BALIKPAPAN_WOMAN_NIK,
            "no_kk": BALIKPAPAN_KK,
            "name": "Siti Aminah",
            "sex": "P",
            "birth_date": "1990-07-01",
            "village": "6471051002",
        },
    )


def _booking_and_ticket(resident):
    from catalogue.models import Service
    from counter_queue import services
    from counter_queue.defaults import load_queue_defaults
    from counter_queue.models import Counter, OpeningHours, QueueService
    from workdays.calendar import WorkingCalendar

    load_queue_defaults(OpeningHours, QueueService, Counter, Service)
    start = timezone.localdate() + timedelta(days=1)
    day = WorkingCalendar(start, start + timedelta(days=60)).next_working_day(start)
    queue_service = QueueService.objects.get(service__code="KK")
    booking = services.booking_create(
        resident=resident,
        nik="6471050107900001",
        service=queue_service,
        day=day,
        starts_at=time(9, 0),
    )
    ticket = services.walk_in_issue(service=queue_service, officer=None)
    return booking, ticket


def resident_pages(resident) -> list[tuple[str, str, str]]:
    from applications import lifecycle
    from feedback import services as feedback
    from tests.backoffice.conftest import submit_application
    from tests.handover.conftest import build_card, make_ready

    draft = _draft(resident)
    submitted = submit_application(resident, "KIA", None)
    ready = make_ready(build_card(resident))
    handed = build_card(resident, code="KTP")
    with transaction.atomic():
        for step in (lifecycle.PRINTED, lifecycle.READY_FOR_HANDOVER, lifecycle.HANDED_OVER):
            lifecycle.transition(handed, step)
    complaint = feedback.complaint_file(
        category="delay",
        subject="KTP belum jadi",
        body="Sudah lewat tanggal janji.",
        resident=resident,
    )
    booking, ticket = _booking_and_ticket(resident)
    rows = [(name, path, "anonymous") for name, path in PUBLIC]
    rows.append(("sign-in code", "/masuk/kode/", "pending"))
    rows += [
        (name, path, "resident")
        for name, path in [
            ("my applications", "/permohonan/"),
            ("new application KTP", "/permohonan/baru/KTP/"),
            ("new application AKL", "/permohonan/baru/AKL/"),
            ("draft (files)", f"/permohonan/{draft.public_id}/"),
            ("draft (edit data)", f"/permohonan/{draft.public_id}/ubah/"),
            ("submitted", f"/permohonan/{submitted.public_id}/"),
            ("ready for handover", f"/permohonan/{ready.public_id}/"),
            ("courier address", f"/permohonan/{ready.public_id}/kurir/"),
            ("handed over", f"/permohonan/{handed.public_id}/"),
            ("survey", f"/survei/{handed.public_id}/"),
            ("complaints", "/pengaduan/"),
            ("new complaint", "/pengaduan/baru/"),
            ("complaint", f"/pengaduan/{complaint.public_id}/"),
            ("my visits", "/antrian/"),
            ("book a visit", "/antrian/pesan/"),
            ("booking", f"/antrian/pesanan/{booking.code}/"),
            ("queue ticket", f"/antrian/tiket/{ticket.code}/"),
        ]
    ]
    return rows


def session_cookies(base_url: str, who: str, resident) -> list[dict]:
    """The cookies a browser holds as `who`: none, a pending sign-in, or a resident's session."""
    if who == "anonymous":
        return []
    client = Client()
    if who == "resident":
        client.force_login(resident)
    else:
        from accounts.views import SESSION_PHONE

        session = client.session
        session[SESSION_PHONE] = resident.phone
        session.save()
        client.cookies["sessionid"] = session.session_key
    return [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]

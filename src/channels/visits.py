"""Booking a counter visit in the chat (WhatsApp and SMS), so nobody queues from dawn.

ANTRIAN (or JADWAL, BOOKING) asks, one question at a time: the service, the NIK of the person
who comes, the day (the next working days with opening hours) and a free time. The booking is
made by counter_queue.services.booking_create — the same rules as the web (capacity, quota, one
active booking per NIK and service) — and its confirmation notice, with the booking code, is the
answer. State: `state["visit"] = {"service": code, "nik": …, "day": iso date}`.
"""

from datetime import date, time

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from channels.replies import Reply, choice
from loket.errors import DomainError

WORDS = {"antrian", "antrean", "jadwal", "booking", "pesan antrian", "ambil antrian", "janji"}
ASKS = {"visit_service", "visit_nik", "visit_day", "visit_time"}
MAX_OPTIONS = 10


def command(phrase: str) -> bool:
    return phrase in WORDS


def start(turn) -> list[Reply]:
    from counter_queue.models import QueueService

    services = list(
        QueueService.objects.filter(bookable=True)
        .select_related("service")
        .order_by("service__order")[:MAX_OPTIONS]
    )
    if not services:
        closed = _("Pemesanan jadwal kunjungan belum dibuka. Datang dan ambil nomor antrean.")
        return [Reply(closed)]
    turn.state["visit"] = {}
    turn.state["ask"] = {"kind": "visit_service", "options": [s.service.code for s in services]}
    return [
        choice(
            _("Pesan jadwal kunjungan ke kantor. Untuk layanan apa?"),
            [(s.service.code, s.service.code, s.service.t.name) for s in services],
            _("Pilih layanan"),
        )
    ]


def answer(turn, ask: dict, text: str, picked: str | None) -> list[Reply]:
    visit = turn.state.setdefault("visit", {})
    kind = ask.get("kind")
    if kind == "visit_service":
        if not picked:
            return start(turn)
        visit["service"] = picked
        turn.state["ask"] = {"kind": "visit_nik", "options": []}
        return [Reply(_("NIK orang yang akan datang (16 angka):"))]
    if kind == "visit_nik":
        from population.services import validate_nik

        facts, problems = validate_nik(text, field_name="nik")
        if problems:
            return [Reply("\n".join([p.message for p in problems] + [_("Tulis NIK lagi:")]))]
        visit["nik"] = facts.nik
        return [_day_question(turn)]
    if kind == "visit_day":
        if not picked:
            return [_day_question(turn)]
        visit["day"] = picked
        return [_time_question(turn)]
    if kind == "visit_time":
        if not picked:
            return [_time_question(turn)]
        return _book(turn, visit, picked)
    return []


def _queue_service(visit: dict):
    from counter_queue.models import QueueService

    return QueueService.objects.select_related("service").get(service__code=visit["service"])


def _day_question(turn) -> Reply:
    from counter_queue.selectors import bookable_days

    days = bookable_days(timezone.localdate(), count=MAX_OPTIONS)
    turn.state["ask"] = {"kind": "visit_day", "options": [d.isoformat() for d in days]}
    return choice(
        _("Pilih hari kunjungan:"),
        [(d.isoformat(), formats.date_format(d, "D, j M"), "") for d in days],
        _("Pilih hari"),
    )


def _time_question(turn) -> Reply:
    from counter_queue.selectors import day_slots

    visit = turn.state["visit"]
    day = date.fromisoformat(visit["day"])
    free = [
        slot
        for slot in day_slots(_queue_service(visit), day, timezone.now())
        if slot.free and not slot.passed
    ][:MAX_OPTIONS]
    if not free:
        return _day_question_after_full(turn, day)
    turn.state["ask"] = {
        "kind": "visit_time",
        "options": [slot.starts_at.strftime("%H:%M") for slot in free],
    }
    return choice(
        _("Pilih jam pada %(day)s:") % {"day": formats.date_format(day, "l, j F Y")},
        [
            (
                slot.starts_at.strftime("%H:%M"),
                f"{slot.starts_at:%H.%M}–{slot.ends_at:%H.%M}",
                _("%(free)d tempat") % {"free": slot.free},
            )
            for slot in free
        ],
        _("Pilih jam"),
    )


def _day_question_after_full(turn, day) -> Reply:
    question = _day_question(turn)
    lead = _("Semua jam pada %(day)s sudah penuh.") % {"day": formats.date_format(day, "j F")}
    return choice(f"{lead}\n{question.text}", list(question.options), _("Pilih hari"))


def _book(turn, visit: dict, picked: str) -> list[Reply]:
    from counter_queue.services import booking_create

    hour, minute = (int(part) for part in picked.split(":"))
    try:
        booking_create(
            resident=turn.resident(create=True),
            nik=visit["nik"],
            service=_queue_service(visit),
            day=date.fromisoformat(visit["day"]),
            starts_at=time(hour, minute),
            channel=turn.conversation.channel,
        )
    except DomainError as error:
        turn.state.pop("visit", None)
        turn.state.pop("ask", None)
        return [Reply("\n".join([*error.messages, _("Ketik ANTRIAN untuk memilih lagi.")]))]
    turn.state.pop("visit", None)
    turn.state.pop("ask", None)
    return []  # the booking's confirmation notice (code, day, time) is the answer

"""A fresh office's queue set-up, loaded by a data migration (and by browser tests after a
flush). Only missing rows are created: what officers changed in the admin is kept.

Hours follow the field studies (online requests 08:00-14:00 in Balikpapan); each service has
its own ticket letter, and four counters share the services.
"""

from datetime import time

OPENS, CLOSES, SLOT_MINUTES = time(8, 0), time(14, 0), 30
WORKING_WEEKDAYS = range(5)  # Monday-Friday; holidays come from workdays.calendar

# service code, letter, daily quota of booked visits, visits one counter handles per slot
SERVICES = [
    ("KTP", "A", 40, 2),
    ("KK", "B", 40, 2),
    ("KIA", "C", 30, 2),
    ("AKL", "D", 30, 2),
    ("AKM", "E", 20, 2),
    ("AKW", "F", 10, 1),
    ("AKC", "G", 10, 1),
    ("SKPWNI", "H", 20, 2),
    ("SKDWNI", "J", 20, 2),
]

# counter number: service codes it handles (counter 1 is the KTP-el biometric recording room)
COUNTERS = {
    1: ["KTP"],
    2: ["KTP", "KIA"],
    3: ["KK", "SKPWNI", "SKDWNI"],
    4: ["AKL", "AKM", "AKW", "AKC"],
}


def load_queue_defaults(opening_hours, queue_service, counter, service) -> None:
    for weekday in WORKING_WEEKDAYS:
        opening_hours.objects.get_or_create(
            weekday=weekday,
            defaults={"opens_at": OPENS, "closes_at": CLOSES, "slot_minutes": SLOT_MINUTES},
        )
    by_code = {s.code: s for s in service.objects.filter(code__in=[c for c, *_ in SERVICES])}
    queued = {}
    for code, letter, quota, per_counter in SERVICES:
        if code not in by_code:
            continue
        queued[code], _ = queue_service.objects.get_or_create(
            service=by_code[code],
            defaults={"letter": letter, "daily_quota": quota, "visits_per_counter": per_counter},
        )
    for number, codes in COUNTERS.items():
        row, created = counter.objects.get_or_create(number=number)
        if created:
            row.services.set([queued[c] for c in codes if c in queued])

"""Service performance from a small hand-made week (3-11 February 2025: no holidays): per day,
on-time share, median working days, fix-request rate per requirement, channels, courier share."""

from datetime import date
from decimal import Decimal

import pytest

from applications.models import RequirementCheck
from catalogue.models import Requirement
from handover.models import Handover
from reports import selectors
from reports.selectors import Filters
from tests.reports.conftest import local

FEBRUARY = Filters(date(2025, 2, 1), date(2025, 2, 28))


@pytest.fixture
def week(bulk_applications):
    # (submitted, handed over, promise date, channel): working days 2, 5, 0, 3.
    plan = [
        (local(2025, 2, 3, 9), local(2025, 2, 5, 10), date(2025, 2, 5), "web"),
        (local(2025, 2, 3, 11), local(2025, 2, 10, 10), date(2025, 2, 7), "whatsapp"),
        # 00:30 on the 4th in the office's zone is still the 3rd in UTC: it counts on the 4th.
        (local(2025, 2, 4, 0, 30), local(2025, 2, 4, 15), date(2025, 2, 6), "counter"),
        (local(2025, 2, 6, 9), local(2025, 2, 11, 9), date(2025, 2, 12), "web"),
    ]
    made = bulk_applications(
        [
            {
                "submitted_at": submitted,
                "status_changed_at": done,
                "promise_date": promise,
                "channel": channel,
                "village_id": "6471051002",
            }
            for submitted, done, promise, channel in plan
        ]
    )
    # Still in progress: received, not finished.
    bulk_applications(
        [{"status": "in_verification", "submitted_at": local(2025, 2, 6, 10), "channel": "sms"}]
    )
    kinds = [Handover.COUNTER, Handover.DELIVERED, Handover.COUNTER, Handover.COUNTER]
    Handover.objects.bulk_create(
        Handover(application=a, kind=kind, recipient="warga", at=plan[i][1])
        for i, (a, kind) in enumerate(zip(made, kinds, strict=True))
    )
    return made


def test_received_and_finished_per_local_day(week):
    assert selectors.received_and_finished(FEBRUARY) == {
        date(2025, 2, 3): (2, 0),
        date(2025, 2, 4): (1, 1),
        date(2025, 2, 5): (0, 1),
        date(2025, 2, 6): (2, 0),
        date(2025, 2, 10): (0, 1),
        date(2025, 2, 11): (0, 1),
    }


def test_on_time_share_and_median_working_days(week):
    (ktp,) = selectors.service_performance(FEBRUARY)
    assert (ktp.code, ktp.finished, ktp.on_time) == ("KTP", 4, 3)
    assert ktp.on_time_percent == Decimal("75.00")
    assert ktp.median_workdays == Decimal("2.5")  # of 0, 2, 3, 5


def test_median_skips_holidays(bulk_applications):
    # Submitted on Friday 28 March 2025; Nyepi (29th, a Saturday) and Idul Fitri with its
    # cuti bersama (31 March - 7 April) are not working days: handed over on 8 April = 1 day.
    bulk_applications(
        [{"submitted_at": local(2025, 3, 28, 9), "status_changed_at": local(2025, 4, 8, 9),
          "promise_date": date(2025, 4, 8)}]
    )  # fmt: skip
    (ktp,) = selectors.service_performance(Filters(date(2025, 3, 1), date(2025, 4, 30)))
    assert ktp.median_workdays == Decimal("1.0")


def test_filters_narrow_every_figure(week):
    web = Filters(FEBRUARY.date_from, FEBRUARY.date_to, channel="web")
    assert selectors.service_performance(web)[0].finished == 2
    elsewhere = Filters(FEBRUARY.date_from, FEBRUARY.date_to, kecamatan="647101")
    assert selectors.received_and_finished(elsewhere) == {}
    kk = Filters(FEBRUARY.date_from, FEBRUARY.date_to, service="KK")
    assert selectors.channel_mix(kk) == dict.fromkeys(selectors.CHANNELS, 0)
    march = Filters(date(2025, 3, 1), date(2025, 3, 31))
    assert selectors.courier_share(march) == {"counter": 0, "delivered": 0}


def test_channel_mix_and_courier_share(week):
    assert selectors.channel_mix(FEBRUARY) == {
        "web": 2, "whatsapp": 1, "sms": 1, "counter": 1, "assisted": 0
    }  # fmt: skip
    assert selectors.courier_share(FEBRUARY) == {"counter": 3, "delivered": 1}


def test_fix_request_rate_per_requirement(week, officer_client):
    _client, officer = officer_client("verifier")
    photo, kk = Requirement.objects.filter(service__code="KTP").order_by("id")[:2]
    decisions = [(photo, "rejected"), (photo, "rejected"), (photo, "accepted"), (kk, "accepted")]
    RequirementCheck.objects.bulk_create(
        RequirementCheck(
            application=week[i], requirement=req, decision=decision, officer=officer,
            reason="unreadable" if decision == "rejected" else "",
        )
        for i, (req, decision) in enumerate(decisions)
    )  # fmt: skip
    RequirementCheck.objects.update(at=local(2025, 2, 4, 10))  # `at` is set on creation
    rates = selectors.fix_request_rates(FEBRUARY)
    assert [(r.requirement, r.checks, r.fixes, r.percent) for r in rates] == [
        (photo.name_id, 3, 2, Decimal("66.67")),
        (kk.name_id, 1, 0, Decimal("0.00")),
    ]

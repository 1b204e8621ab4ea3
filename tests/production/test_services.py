"""Supplies, print batches and honest new promise dates (services and selectors)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from applications import lifecycle
from applications.models import Application, Event
from loket.errors import DomainError
from notifications.models import OutboxMessage
from notifications.services import application_message
from production import selectors, services
from production.models import PrintBatch, StockMovement, SupplyItem
from tests.production.conftest import item
from workdays.calendar import promise_date_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(officer_client):
    return officer_client("operator")[1]


def shelf():
    return {s.code: (s.on_hand, s.cards_on_current_unit) for s in SupplyItem.objects.order_by("id")}


def test_the_three_supplies_exist_with_no_stock():
    supplies = {s.code: s for s in SupplyItem.objects.all()}
    assert set(supplies) == {"blanko", "ribbon", "film"}
    assert all(s.on_hand == 0 for s in supplies.values())
    assert supplies["blanko"].yield_per_unit == 1
    assert supplies["ribbon"].yield_per_unit == 500
    assert supplies["film"].yield_per_unit == 1500


def test_receiving_adds_units_and_writes_a_movement(operator):
    movement = services.stock_receive(
        item=item("blanko"), quantity=250, officer=operator, note="kiriman provinsi"
    )
    services.stock_receive(item=item("blanko"), quantity=50, officer=operator)
    assert item("blanko").on_hand == 300
    assert (movement.delta, movement.on_hand_after, movement.reason) == (250, 250, "received")
    assert movement.officer == operator and movement.note == "kiriman provinsi"
    assert StockMovement.objects.filter(item__code="blanko").count() == 2


def test_counting_sets_the_shelf_figure_and_records_the_difference(operator, stock):
    stock(blanko=100)
    less = services.stock_count(item=item("blanko"), counted=97, officer=operator, note="rusak 3")
    assert item("blanko").on_hand == 97
    assert (less.delta, less.on_hand_after, less.reason) == (-3, 97, "counted")
    more = services.stock_count(item=item("blanko"), counted=110, officer=operator)
    assert (more.delta, item("blanko").on_hand) == (13, 110)
    same = services.stock_count(item=item("blanko"), counted=110, officer=operator)
    assert same.delta == 0  # a count that matches is still recorded: it shows when we last looked


def test_counting_an_empty_shelf_clears_the_roll_in_use(operator, stock):
    stock(ribbon=2)
    SupplyItem.objects.filter(code="ribbon").update(cards_on_current_unit=120)
    services.stock_count(item=item("ribbon"), counted=1, officer=operator)
    assert (item("ribbon").on_hand, item("ribbon").cards_on_current_unit) == (1, 120)
    services.stock_count(item=item("ribbon"), counted=0, officer=operator)
    assert (item("ribbon").on_hand, item("ribbon").cards_on_current_unit) == (0, 0)


@pytest.mark.parametrize(
    ("action", "value", "code"),
    [
        ("receive", -5, "quantity_negative"),
        ("receive", 0, "quantity_too_small"),
        ("receive", "10", "quantity_not_a_number"),
        ("receive", 2.5, "quantity_not_a_number"),
        ("receive", True, "quantity_not_a_number"),
        ("receive", 10_000_000, "quantity_too_large"),
        ("count", -1, "quantity_negative"),
        ("count", "sepuluh", "quantity_not_a_number"),
        ("count", None, "quantity_not_a_number"),
    ],
)
def test_bad_quantities_are_refused_and_nothing_is_saved(operator, stock, action, value, code):
    stock(blanko=40)
    with pytest.raises(DomainError) as refused:
        if action == "receive":
            services.stock_receive(item=item("blanko"), quantity=value, officer=operator)
        else:
            services.stock_count(item=item("blanko"), counted=value, officer=operator)
    assert [p.code for p in refused.value.problems] == [code]
    assert refused.value.messages[0]  # a sentence for the officer, not a code
    assert item("blanko").on_hand == 40
    assert not StockMovement.objects.exists()


def test_a_batch_consumes_one_blanko_per_card_and_ribbon_and_film_by_their_yield(
    operator, stock, make_application
):
    stock(blanko=5, ribbon=2, ribbon_yield=2, film=1, film_yield=3)
    first = [make_application("KTP"), make_application("KIA")]
    batch = services.print_batch_create(applications=first, officer=operator)
    assert shelf() == {"blanko": (3, 0), "ribbon": (1, 0), "film": (1, 2)}
    used = {m.item.code: (m.cards, m.delta) for m in batch.movements.all()}
    assert used == {"blanko": (2, -2), "ribbon": (2, -1), "film": (2, 0)}

    services.print_batch_create(applications=[make_application("KTP")], officer=operator)
    assert shelf() == {"blanko": (2, 0), "ribbon": (1, 1), "film": (0, 0)}
    assert selectors.printable_card_count() == 0  # the film ran out first


def test_a_ribbon_roll_leaves_the_shelf_with_its_last_card(operator, stock, make_application):
    stock(blanko=10, ribbon=2, film=1)
    SupplyItem.objects.filter(code="ribbon").update(cards_on_current_unit=499)
    assert item("ribbon").cards_available == 501
    services.print_batch_create(
        applications=[make_application(), make_application()], officer=operator
    )
    ribbon = item("ribbon")
    assert (ribbon.on_hand, ribbon.cards_on_current_unit, ribbon.cards_available) == (1, 1, 499)


def test_a_printed_batch_makes_cards_ready_for_handover_with_timeline_and_sms(
    operator, stock, make_application
):
    stock(blanko=10, ribbon=1, film=1)
    cards = [make_application("KTP"), make_application("KIA")]
    batch = services.print_batch_create(applications=cards, officer=operator)
    assert batch.status == PrintBatch.PRINTED and batch.printed_at
    assert set(batch.applications.all()) == set(cards)
    for card in cards:
        card.refresh_from_db()
        assert card.status == lifecycle.READY_FOR_HANDOVER
        events = list(card.events.values_list("status", "actor", "data"))
        assert events[-2:] == [
            (lifecycle.PRINTED, operator.pk, {"print_batch": batch.pk}),
            (lifecycle.READY_FOR_HANDOVER, operator.pk, {"print_batch": batch.pk}),
        ]
        bodies = list(OutboxMessage.objects.filter(application=card).values_list("body", flat=True))
        assert any("sudah dicetak" in body for body in bodies)
        assert any("siap diambil" in body for body in bodies)


def test_a_shortage_refuses_the_whole_batch_and_changes_nothing(operator, stock, make_application):
    stock(blanko=2, ribbon=1, film=1)
    cards = [make_application() for _ in range(3)]
    messages_before = OutboxMessage.objects.count()
    events_before = Event.objects.count()
    with pytest.raises(DomainError) as refused:
        services.print_batch_create(applications=cards, officer=operator)
    assert [p.code for p in refused.value.problems] == ["stock_short"]
    assert refused.value.messages == [
        "Stok Blanko KTP-el/KIA tidak cukup: batch ini perlu 3 kartu, stok hanya cukup untuk "
        "2 kartu. Kurang 1 kartu (perlu tambahan 1 keping)."
    ]
    assert shelf() == {"blanko": (2, 0), "ribbon": (1, 0), "film": (1, 0)}
    assert set(Application.objects.values_list("status", flat=True)) == {lifecycle.APPROVED}
    assert not PrintBatch.objects.exists() and not StockMovement.objects.exists()
    assert OutboxMessage.objects.count() == messages_before
    assert Event.objects.count() == events_before


def test_a_shortage_names_every_supply_that_is_short_and_by_how_much(
    operator, stock, make_application
):
    stock(blanko=0, ribbon=1, ribbon_yield=2, film=1)
    with pytest.raises(DomainError) as refused:
        services.print_batch_create(
            applications=[make_application() for _ in range(5)], officer=operator
        )
    assert refused.value.messages == [
        "Stok Blanko KTP-el/KIA tidak cukup: batch ini perlu 5 kartu, stok hanya cukup untuk "
        "0 kartu. Kurang 5 kartu (perlu tambahan 5 keping).",
        "Stok Ribbon printer kartu (YMCKK) tidak cukup: batch ini perlu 5 kartu, stok hanya "
        "cukup untuk 2 kartu. Kurang 3 kartu (perlu tambahan 2 rol).",
    ]


def test_the_refusal_speaks_english_when_asked(operator, stock, make_application):
    stock(blanko=0, ribbon=1, film=1)
    card = make_application()
    with pytest.raises(DomainError) as refused, translation.override("en"):
        services.print_batch_create(applications=[card], officer=operator)
    assert "Blanko KTP-el/KIA" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("code", "status", "problem"),
    [
        ("KK", lifecycle.APPROVED, "not_a_card"),
        ("KTP", lifecycle.VERIFIED, "not_approved"),
        ("KIA", lifecycle.SENT_TO_CENTRAL, "not_approved"),
        ("KTP", lifecycle.SUBMITTED, "not_approved"),
    ],
)
def test_only_approved_cards_can_be_printed(
    operator, stock, make_application, code, status, problem
):
    stock(blanko=10, ribbon=1, film=1)
    good = make_application("KTP")
    bad = make_application(code, status=status)
    with pytest.raises(DomainError) as refused:
        services.print_batch_create(applications=[good, bad], officer=operator)
    assert [p.code for p in refused.value.problems] == [problem]
    assert bad.registration_number in refused.value.messages[0]
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (lifecycle.APPROVED, status)
    assert shelf()["blanko"] == (10, 0)


def test_a_card_cannot_be_printed_twice(operator, stock, make_application):
    stock(blanko=10, ribbon=1, film=1)
    card = make_application()
    services.print_batch_create(applications=[card], officer=operator)
    with pytest.raises(DomainError) as refused:
        services.print_batch_create(applications=[card], officer=operator)
    assert [p.code for p in refused.value.problems] == ["not_approved"]
    assert item("blanko").on_hand == 9


def test_an_empty_batch_is_refused(operator, stock):
    stock(blanko=10, ribbon=1, film=1)
    with pytest.raises(DomainError) as refused:
        services.print_batch_create(applications=[], officer=operator)
    assert [p.code for p in refused.value.problems] == ["nothing_selected"]


def test_operators_print_only_in_their_kecamatan(officer_client, stock, make_application):
    stock(blanko=10, ribbon=1, film=1)
    _, scoped = officer_client("operator", districts=["647105"])
    elsewhere = make_application(village="6471021001")
    with pytest.raises(DomainError) as refused:
        services.print_batch_create(applications=[elsewhere], officer=scoped)
    assert [p.code for p in refused.value.problems] == ["out_of_scope"]
    assert list(selectors.print_queue(districts={"647105"})) == []
    assert list(selectors.print_queue(districts={"647102"})) == [elsewhere]


# --- honest new promise dates ----------------------------------------------------------------


def test_residents_left_waiting_get_an_honest_new_date_on_the_timeline_and_by_sms(
    operator, make_application
):
    card = make_application("KTP")
    old_date = card.promise_date
    now = timezone.now()
    reason = "stok blanko di kantor habis, kami menunggu kiriman"
    moved = services.batch_shortfall_notify(
        applications=[card], officer=operator, reason=reason, working_days=10, now=now
    )
    card.refresh_from_db()
    new_date = promise_date_for(10, now)
    assert moved == [card] and card.promise_date == new_date > old_date
    assert card.status == lifecycle.APPROVED  # still waiting to be printed
    event = card.events.last()
    assert (event.status, event.actor, event.note) == (lifecycle.APPROVED, operator, reason)
    assert event.data == {
        "promise_changed": True,
        "from": old_date.isoformat(),
        "to": new_date.isoformat(),
        "working_days": 10,
    }
    sms = OutboxMessage.objects.filter(application=card).order_by("id").last()
    assert sms.recipient == card.resident.phone
    assert sms.body == application_message(card, "promise_changed", reason)
    assert "maaf, permohonan " + card.registration_number + " tertunda: " + reason in sms.body
    assert "Perkiraan selesai baru" in sms.body


def test_the_new_date_sms_is_in_the_residents_language(operator, make_application):
    card = make_application("KIA")
    card.resident.preferred_language = "en"
    card.resident.save()
    services.batch_shortfall_notify(
        applications=[card], officer=operator, reason="out of blank cards", working_days=30
    )
    sms = OutboxMessage.objects.filter(application=card).order_by("id").last()
    with translation.override("en"):
        card.refresh_from_db()
        assert sms.body == application_message(card, "promise_changed", "out of blank cards")
    assert any(day in sms.body for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))


def test_a_promise_that_still_holds_is_kept_without_an_sms(operator, make_application):
    card = make_application("KIA")
    later = timezone.localdate() + timedelta(days=90)
    Application.objects.filter(pk=card.pk).update(promise_date=later)
    messages_before = OutboxMessage.objects.count()
    moved = services.batch_shortfall_notify(
        applications=[card], officer=operator, reason="stok film habis", working_days=5
    )
    card.refresh_from_db()
    assert moved == [] and card.promise_date == later
    assert OutboxMessage.objects.count() == messages_before
    assert not card.events.filter(data__promise_changed=True).exists()


@pytest.mark.parametrize(
    ("reason", "days", "code"),
    [
        ("", 5, "reason_required"),
        ("   ", 5, "reason_required"),
        ("x" * 201, 5, "reason_too_long"),
        ("stok habis", 0, "days_out_of_range"),
        ("stok habis", 61, "days_out_of_range"),
        ("stok habis", "5", "days_not_a_number"),
    ],
)
def test_a_new_date_needs_a_reason_and_a_sensible_number_of_days(
    operator, make_application, reason, days, code
):
    card = make_application()
    before = card.promise_date
    with pytest.raises(DomainError) as refused:
        services.batch_shortfall_notify(
            applications=[card], officer=operator, reason=reason, working_days=days
        )
    assert [p.code for p in refused.value.problems] == [code]
    card.refresh_from_db()
    assert card.promise_date == before


def test_new_dates_only_for_approved_cards(operator, make_application):
    kk = make_application("KK")
    with pytest.raises(DomainError) as refused:
        services.batch_shortfall_notify(
            applications=[kk], officer=operator, reason="stok habis", working_days=5
        )
    assert [p.code for p in refused.value.problems] == ["not_a_card"]


# --- selectors --------------------------------------------------------------------------------


def test_low_stock_starts_at_the_threshold(stock):
    stock(blanko=100, blanko_threshold=100, ribbon=2, ribbon_threshold=1, film=2, film_threshold=1)
    assert [s.code for s in selectors.low_stock_items()] == ["blanko"]
    stock(blanko=101)
    assert selectors.low_stock_items() == []
    stock(film=1)
    assert [s.code for s in selectors.low_stock_items()] == ["film"]


def test_printable_cards_follow_the_scarcest_supply(stock):
    stock(blanko=700, ribbon=1, film=1)
    assert selectors.printable_card_count() == 500
    stock(blanko=30)
    assert selectors.printable_card_count() == 30


def test_the_print_queue_holds_approved_cards_oldest_first(make_application):
    first = make_application("KIA")
    second = make_application("KTP")
    make_application("KK")
    make_application("KTP", status=lifecycle.VERIFIED)
    Application.objects.filter(pk=first.pk).update(
        submitted_at=second.submitted_at - timedelta(days=3)
    )
    assert list(selectors.print_queue()) == [first, second]

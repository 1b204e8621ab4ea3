"""A card by courier: the resident's choice, booking in the background, the courier desk, the
one-time handover code, and every way a delivery can go wrong."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications import lifecycle
from applications.models import Application
from handover import services
from handover.models import CourierBooking, DeliveryChoice, Handover
from handover.tasks import resume_bookings
from loket.errors import DomainError
from notifications.models import OutboxMessage
from tests.handover.conftest import CALLBACK, SEPINGGAN, make_ready

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(reference_data, officer_client):
    return officer_client("pickup_desk")


def choose_courier(application, **changes):
    fields = {
        "village_code": SEPINGGAN,
        "street": "Jl. Mulawarman No. 7 RT 03",
        "landmark": "depan masjid",
        "latitude": Decimal("-1.255000"),
        "longitude": Decimal("116.860000"),
        "phone": "0812 3456 7890",
        "payment": "cashless",
        **changes,
    }
    services.courier_address_set(application=application, **fields)
    return services.courier_confirm(application=application)


def status(application) -> str:
    return Application.objects.get(pk=application.pk).status


def booking_of(application) -> CourierBooking:
    return CourierBooking.objects.filter(application=application).latest("created_at")


def bodies(application) -> list[str]:
    return list(
        OutboxMessage.objects.filter(application=application)
        .order_by("id")
        .values_list("body", flat=True)
    )


def released(courier, desk, application) -> str:
    """Driver found, envelope handed over at the desk; returns the code the resident got."""
    booking = booking_of(application)
    courier.advance(booking.order_no, "driver_found")
    client, officer = desk
    response = client.post(reverse("handover:courier_desk"), {"code": booking.order_no})
    assert response.status_code == 302, re.findall(
        r'class="error">([^<]*)', response.content.decode()
    )
    message = OutboxMessage.objects.filter(application=application, sensitive=True).get()
    return re.search(r"Kode serah terima: (\d{6})\.", message.body).group(1)


def test_the_whole_courier_flow_from_choice_to_confirmed_delivery(courier, desk, approved_card):
    choice = choose_courier(approved_card)  # the estimate task ran once the address committed
    assert choice.estimate_state == "ready" and choice.estimate_price >= 10000
    assert choice.phone == "+6281234567890" and not CourierBooking.objects.exists()

    card = make_ready(approved_card)  # the print batch: now the office books the courier
    booking = booking_of(card)
    assert booking.state == CourierBooking.BOOKED and booking.order_no.startswith("GK-")
    sent = courier.bookings[booking.order_no]
    assert sent["paymentType"] == "cashless" and "Sepinggan" in sent["destinationAddress"]
    assert "647105" not in json.dumps(sent)  # no NIK travels to the courier

    code = released(courier, desk, card)
    assert status(card) == lifecycle.OUT_FOR_DELIVERY
    booking.refresh_from_db()
    assert booking.driver_name and booking.tracking_url and booking.state == "released"
    assert code not in booking.handover_code_hash and len(booking.handover_code_hash) == 64
    to_driver = Handover.objects.get(application=card, kind=Handover.TO_DRIVER)
    assert to_driver.officer == desk[1] and booking.driver_name in to_driver.recipient
    assert code not in json.dumps(list(card.events.values("note", "data")), default=str)

    result = courier.advance(booking.order_no, "delivered", handover_code=code)
    assert result["status"] == 200 and json.loads(result["answer"])["outcome"] == "delivered"
    assert status(card) == lifecycle.HANDED_OVER
    booking.refresh_from_db()
    assert booking.state == "delivered" and booking.handover_code_hash == ""
    assert Handover.objects.get(application=card, kind=Handover.DELIVERED).booking == booking
    assert "sudah diserahkan" in bodies(card)[-2]
    assert f"/survei/{card.public_id}/" in bodies(card)[-1]  # the survey invitation

    again = courier.advance(booking.order_no, "delivered", handover_code=code)
    assert json.loads(again["answer"])["outcome"] == "ignored"
    assert Handover.objects.filter(application=card).count() == 2


def test_choosing_the_courier_after_the_card_is_ready_books_at_once(courier, ready_card):
    choice = DeliveryChoice.objects.get(application=ready_card)  # made with the ready event
    assert choice.method == "counter" and len(choice.pickup_code) == 8
    choose_courier(ready_card)
    assert booking_of(ready_card).state == CourierBooking.BOOKED


def test_delivered_without_the_right_code_is_unconfirmed_and_followed_up(courier, desk, ready_card):
    choose_courier(ready_card)
    released(courier, desk, ready_card)
    booking = booking_of(ready_card)
    result = courier.advance(booking.order_no, "delivered", handover_code="000000")
    assert json.loads(result["answer"])["outcome"] == "unconfirmed"
    assert status(ready_card) == lifecycle.DELIVERY_UNCONFIRMED
    booking.refresh_from_db()
    assert booking.needs_follow_up and booking.state == "unconfirmed"
    assert "tanpa kode serah terima" in bodies(ready_card)[-1]
    assert not Handover.objects.filter(application=ready_card, kind="delivered").exists()

    client, officer = desk
    page = client.get(reverse("handover:courier_desk"))
    assert booking.order_no in page.content.decode().split('id="follow-up"')[1]
    refused = client.post(
        reverse("handover:courier_follow_up", args=[booking.pk]), {"received": "1"}
    )
    assert refused.status_code == 302 and status(ready_card) == lifecycle.DELIVERY_UNCONFIRMED
    client.post(
        reverse("handover:courier_follow_up", args=[booking.pk]),
        {"received": "1", "note": "Ditelepon 10.15, warga sudah menerima"},
    )
    assert status(ready_card) == lifecycle.HANDED_OVER
    assert Handover.objects.get(application=ready_card, kind="delivered").officer == officer


def test_a_failed_delivery_returns_the_card_to_the_counter_with_a_notice(courier, desk, ready_card):
    choose_courier(ready_card)
    released(courier, desk, ready_card)
    booking = booking_of(ready_card)
    result = courier.advance(booking.order_no, "failed", reason="Penerima tidak di tempat")
    assert json.loads(result["answer"])["outcome"] == "failed"
    assert status(ready_card) == lifecycle.READY_FOR_HANDOVER
    assert "gagal (Penerima tidak di tempat)" in bodies(ready_card)[-1]
    choice = DeliveryChoice.objects.get(application=ready_card)
    assert choice.method == "counter"  # counter stock; the resident may choose the courier again
    assert CourierBooking.objects.filter(application=ready_card).count() == 1  # no auto re-book
    choose_courier(ready_card)
    assert CourierBooking.objects.filter(application=ready_card, state="booked").count() == 1


def test_no_driver_before_pick_up_leaves_the_card_at_the_counter(courier, ready_card):
    choose_courier(ready_card)
    booking = booking_of(ready_card)
    courier.advance(booking.order_no, "no_driver")
    booking.refresh_from_db()
    assert booking.state == "failed" and status(ready_card) == lifecycle.READY_FOR_HANDOVER
    assert "Driver not found" in bodies(ready_card)[-1]


def test_the_desk_releases_only_to_the_driver_of_an_active_booking(courier, desk, ready_card):
    client, _officer = desk
    choose_courier(ready_card)
    booking = booking_of(ready_card)
    url = reverse("handover:courier_desk")
    no_driver = client.post(url, {"code": booking.order_no})
    assert no_driver.status_code == 400 and "Belum ada pengemudi" in no_driver.content.decode()
    unknown = client.post(url, {"code": "GK-11-999999"})
    assert unknown.status_code == 400 and "tidak dikenal" in unknown.content.decode()
    courier.advance(booking.order_no, "driver_found")
    found = client.get(url, {"code": f"LOKET-KURIR:{booking.order_no}"}).content.decode()
    booking.refresh_from_db()
    assert booking.driver_name and booking.driver_name in found  # who may take it
    assert ready_card.registration_number in found
    assert client.post(url, {"code": booking.order_no.lower()}).status_code == 302
    twice = client.post(url, {"code": booking.order_no})
    assert twice.status_code == 400 and "sudah tidak di loket" in twice.content.decode()
    assert Handover.objects.filter(application=ready_card, kind="to_driver").count() == 1


def test_the_envelope_label_has_the_booking_code_and_qr_but_no_nik(courier, desk, ready_card):
    choose_courier(ready_card)
    booking = booking_of(ready_card)
    client, _officer = desk
    page = client.get(reverse("handover:courier_label", args=[booking.pk])).content.decode()
    assert booking.order_no in page and "<svg" in page and "Disdukcapil" in page
    assert ready_card.nik not in page and "647105******" not in page


def test_callback_with_a_bad_signature_is_refused(courier, client, ready_card):
    choose_courier(ready_card)
    booking = booking_of(ready_card)
    body = json.dumps(courier.webhook_body(courier.bookings[booking.order_no], "failed"))
    response = client.post(
        CALLBACK, data=body, content_type="application/json", HTTP_X_CALLBACK_SIGNATURE="sha256=00"
    )
    assert response.status_code == 403
    unsigned = client.post(CALLBACK, data=body, content_type="application/json")
    assert unsigned.status_code == 403
    assert booking_of(ready_card).state == CourierBooking.BOOKED


def test_callback_for_an_unknown_booking_is_a_json_404(courier, client, reference_data):
    from fakes.courier import signature

    body = json.dumps({"entity_id": "GK-11-424242", "type": "COMPLETED"}).encode()
    response = client.post(
        CALLBACK,
        data=body,
        content_type="application/json",
        HTTP_X_CALLBACK_SIGNATURE=signature("test-courier-secret", body),
    )
    assert response.status_code == 404 and response.json() == {"error": "unknown booking"}


def test_duplicate_and_out_of_order_callbacks_change_nothing(courier, desk, ready_card):
    choose_courier(ready_card)
    code = released(courier, desk, ready_card)
    booking = booking_of(ready_card)
    first = courier.callbacks[-1]["body"]  # driver_found, sent again by the courier
    assert courier.send(first)["answer"].count("duplicate") == 1
    late = courier.webhook_body(courier.bookings[booking.order_no], "driver_found")
    courier.send(late)  # a late "driver found" after the card left with the driver
    assert booking_of(ready_card).state == "released"
    courier.advance(booking.order_no, "delivered", handover_code=code)
    courier.advance(booking.order_no, "failed")  # a stray failure after delivery
    assert status(ready_card) == lifecycle.HANDED_OVER


def test_courier_down_at_booking_retries_later_and_tells_the_resident(courier, ready_card):
    courier.mode = "down"
    choose_courier(ready_card)
    choice = DeliveryChoice.objects.get(application=ready_card)
    assert choice.method == "courier" and choice.estimate_state == "failed"  # saved anyway
    booking = booking_of(ready_card)
    assert booking.state == CourierBooking.QUEUED and booking.failures == 1
    assert booking.next_attempt_at and "503" in booking.last_error
    assert "kami pesan ulang otomatis" in bodies(ready_card)[-1]

    assert resume_bookings()["queued"] == 0  # not due yet
    resume_bookings(now=booking.next_attempt_at)  # still down: no second notice
    assert booking_of(ready_card).failures == 2
    assert sum("pesan ulang" in b for b in bodies(ready_card)) == 1

    courier.mode = "normal"
    resume_bookings(now=booking_of(ready_card).next_attempt_at)
    booking = booking_of(ready_card)
    assert booking.state == CourierBooking.BOOKED and booking.attempts == 3
    assert len(courier.bookings) == 1


def test_courier_refusing_the_trip_gives_up_and_tells_the_resident(courier, ready_card):
    courier.mode = "reject"
    choose_courier(ready_card)
    booking = booking_of(ready_card)
    assert booking.state == CourierBooking.FAILED
    assert DeliveryChoice.objects.get(application=ready_card).method == "counter"
    assert "pengiriman" in bodies(ready_card)[-1] and "gagal" in bodies(ready_card)[-1]


def test_an_address_outside_the_kabupaten_is_refused(courier, approved_card):
    with pytest.raises(DomainError) as caught:
        choose_courier(approved_card, village_code="6472011001")  # Samarinda
    assert caught.value.problems[0].code == "outside_regency"
    assert "di luar Kota Balikpapan" in caught.value.messages[0]
    with pytest.raises(DomainError) as pin:
        choose_courier(approved_card, latitude=Decimal("-0.5"), longitude=Decimal("117.15"))
    assert [p.code for p in pin.value.problems] == ["pin_outside_regency"]
    with pytest.raises(DomainError) as bad:
        choose_courier(
            approved_card, latitude=Decimal("116.8"), longitude=Decimal("-1.2"), payment="x"
        )
    assert {p.code for p in bad.value.problems} == {"pin_out_of_range", "payment_required"}
    assert not DeliveryChoice.objects.filter(application=approved_card, street__gt="").exists()


def test_documents_are_not_sent_by_courier(courier, reference_data, resident):
    from applications import services as application_services
    from catalogue.models import Service

    family_card = application_services.application_start(
        resident=resident,
        service=Service.objects.get(code="KK"),
        variant=None,
        data={"village": SEPINGGAN},
    )
    with pytest.raises(DomainError) as caught:
        choose_courier(family_card)
    assert caught.value.problems[0].code == "not_a_card"

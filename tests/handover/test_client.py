"""The courier client against the fake courier over real HTTP: answers, and which failures
are worth retrying."""

import pytest

from handover import courier_client
from handover.courier_client import CourierError, Place

OFFICE = "-1.2654,116.8312"
HOME = "-1.2550,116.8600"


def place(**changes):
    fields = {"name": "Siti Aminah", "phone": "+6281234567890", "address": "Jl. Mulawarman 7"}
    return Place(**{**fields, **changes})


def book(store_order_id="order-1"):
    return courier_client.book(
        store_order_id=store_order_id,
        origin=place(name="Disdukcapil", latlng=OFFICE),
        destination=place(latlng=HOME),
        item="KTP-el",
        payment="cash",
    )


def test_it_estimates_a_price_by_distance_and_a_flat_one_without_a_pin(courier):
    pinned = courier_client.estimate(origin=OFFICE, destination=HOME, payment="cashless")
    assert pinned.distance_km and 2 < pinned.distance_km < 5
    assert pinned.price >= 10000 and pinned.price % 500 == 0
    unpinned = courier_client.estimate(origin=OFFICE)
    assert (unpinned.price, unpinned.distance_km) == (15000, None)


def test_it_books_once_per_store_order_id(courier):
    first = book("order-1")
    again = book("order-1")  # a retry after a lost answer
    other = book("order-2")
    assert first.order_no.startswith("GK-") and first == again
    assert other.order_no != first.order_no
    assert len(courier.bookings) == 2
    sent = courier.bookings[first.order_no]
    assert sent["destinationContactName"] == "Siti Aminah" and sent["paymentType"] == "cash"


def no_webhooks(raw, headers):
    return 204, ""


def test_it_reads_status_and_cancels(courier):
    courier.sender = no_webhooks
    made = book()
    assert courier_client.status(made.order_no).status == "Finding Driver"
    courier.advance(made.order_no, "driver_found")
    found = courier_client.status(made.order_no)
    assert found.driver_name and found.driver_phone.startswith("+62") and found.tracking_url
    courier_client.cancel(made.order_no)
    assert courier_client.status(made.order_no).status == "Cancelled"


def test_cancelling_after_pick_up_is_refused_for_good(courier):
    courier.sender = no_webhooks
    made = book()
    courier.advance(made.order_no, "picked_up")
    with pytest.raises(CourierError) as caught:
        courier_client.cancel(made.order_no)
    assert (caught.value.status, caught.value.retryable) == (409, False)


def test_a_courier_that_is_down_is_worth_retrying(courier):
    courier.mode = "down"
    with pytest.raises(CourierError) as caught:
        book()
    assert (caught.value.status, caught.value.retryable) == (503, True)
    assert courier.bookings == {}


def test_a_timeout_is_worth_retrying(courier):
    courier.mode = "timeout"
    with pytest.raises(CourierError) as caught:
        courier_client.estimate(origin=OFFICE, destination=HOME)
    assert caught.value.retryable and "timeout" in str(caught.value)


def test_a_closed_port_is_worth_retrying(courier, settings):
    settings.COURIER_BASE_URL = "http://127.0.0.1:9"
    with pytest.raises(CourierError) as caught:
        book()
    assert caught.value.retryable


def test_refusals_are_not_retried(courier, settings):
    courier.mode = "reject"
    with pytest.raises(CourierError) as caught:
        book()
    assert (caught.value.status, caught.value.retryable) == (422, False)
    assert "Not serviceable" in str(caught.value)
    courier.mode = "normal"
    with pytest.raises(CourierError) as far:
        courier_client.estimate(origin=OFFICE, destination="-6.2,106.8")  # Jakarta
    assert (far.value.status, far.value.retryable) == (422, False)
    settings.COURIER_API_KEY = "wrong"
    with pytest.raises(CourierError) as unauthorized:
        book()
    assert (unauthorized.value.status, unauthorized.value.retryable) == (401, False)


def test_unknown_booking_is_a_404(courier):
    with pytest.raises(CourierError) as caught:
        courier_client.status("GK-11-999999")
    assert (caught.value.status, caught.value.retryable) == (404, False)

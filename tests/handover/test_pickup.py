"""Counter pickup: the pickup code on the resident's page, the desk's code + NIK check, one
handover only (also when two officers press at once)."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from applications import lifecycle
from applications.models import Application
from handover import services
from handover.models import CourierBooking, DeliveryChoice, Handover
from loket.errors import DomainError
from notifications.models import OutboxMessage
from tests.conftest import BALIKPAPAN_WOMAN_NIK

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/kantor/pengambilan/"


@pytest.fixture
def desk(reference_data, officer_client):
    return officer_client("pickup_desk")


def pickup_code(application) -> str:
    return DeliveryChoice.objects.get(application=application).pickup_code


def status(application) -> str:
    return Application.objects.get(pk=application.pk).status


def test_the_resident_sees_the_pickup_code_and_its_qr(resident_client, ready_card):
    page = resident_client.get(reverse("applications:detail", args=[ready_card.public_id]))
    html = page.content.decode()
    code = pickup_code(ready_card)
    assert f"{code[:4]}-{code[4:]}" in html and 'id="pickup-code"' in html and "<svg" in html
    ready_notice = OutboxMessage.objects.filter(application=ready_card).latest("id").body
    assert f"Kode pengambilan: {code[:4]}-{code[4:]}" in ready_notice
    assert str(ready_card.public_id) in ready_notice


def test_right_code_and_nik_hand_the_card_over_once(desk, ready_card):
    client, officer = desk
    code = pickup_code(ready_card)
    looked_up = client.get(URL, {"code": code.lower()})
    assert ready_card.registration_number in looked_up.content.decode()
    assert BALIKPAPAN_WOMAN_NIK not in looked_up.content.decode()
    done = client.post(URL, {"code": f"{code[:4]}-{code[4:]}", "nik": BALIKPAPAN_WOMAN_NIK})
    assert done.status_code == 302
    assert status(ready_card) == lifecycle.HANDED_OVER
    handover = Handover.objects.get(application=ready_card)
    assert (handover.kind, handover.officer) == ("counter", officer)
    assert (
        "647105******0001" in handover.recipient and BALIKPAPAN_WOMAN_NIK not in handover.recipient
    )
    assert ready_card.events.get(status=lifecycle.HANDED_OVER).actor == officer
    # The resident is invited to the satisfaction survey with the handover, once.
    invitations = OutboxMessage.objects.filter(
        application=ready_card, body__contains=f"/survei/{ready_card.public_id}/"
    )
    assert invitations.count() == 1

    again = client.post(URL, {"code": code, "nik": BALIKPAPAN_WOMAN_NIK})
    assert again.status_code == 400 and "tidak dapat diserahkan dua kali" in again.content.decode()
    assert Handover.objects.filter(application=ready_card).count() == 1


def test_a_wrong_code_or_nik_writes_nothing(desk, ready_card):
    client, _officer = desk
    wrong_code = client.post(URL, {"code": "ZZZZ-ZZZZ", "nik": BALIKPAPAN_WOMAN_NIK})
    assert wrong_code.status_code == 400
    assert "Kode pengambilan “ZZZZ-ZZZZ” tidak dikenal" in wrong_code.content.decode()
    wrong_nik = client.post(URL, {"code": pickup_code(ready_card), "nik": "6471054107900002"})
    assert wrong_nik.status_code == 400 and "NIK tidak cocok" in wrong_nik.content.decode()
    assert status(ready_card) == lifecycle.READY_FOR_HANDOVER
    assert not Handover.objects.exists()


def test_a_card_not_yet_ready_is_not_handed_over(desk, approved_card):
    client, _officer = desk
    choice = services.choice_ensure(application=approved_card)
    response = client.post(URL, {"code": choice.pickup_code, "nik": BALIKPAPAN_WOMAN_NIK})
    assert response.status_code == 400 and "belum ada di loket" in response.content.decode()


def test_two_officers_pressing_at_once_hand_over_once(reference_data, ready_card, officer_client):
    _client, first = officer_client("pickup_desk")
    _client, second = officer_client("pickup_desk")
    code = pickup_code(ready_card)
    results, barrier = [], threading.Barrier(2)

    def hand_over(officer):
        barrier.wait()
        try:
            services.counter_handover(code=code, nik=BALIKPAPAN_WOMAN_NIK, officer=officer)
            results.append("ok")
        except DomainError as error:
            results.append(error.problems[0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_over, args=(o,)) for o in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["already_handed_over", "ok"]
    assert Handover.objects.filter(application=ready_card).count() == 1


def test_coming_in_person_calls_the_courier_off(courier, desk, ready_card):
    from tests.handover.test_courier_flow import choose_courier

    choose_courier(ready_card)
    booking = CourierBooking.objects.get(application=ready_card)
    client, _officer = desk
    client.post(URL, {"code": pickup_code(ready_card), "nik": BALIKPAPAN_WOMAN_NIK})
    booking.refresh_from_db()
    assert booking.state == "cancelled" and status(ready_card) == lifecycle.HANDED_OVER
    assert courier.bookings[booking.order_no]["status"] == "Cancelled"


@pytest.mark.parametrize("url", [URL, "/kantor/kurir/"])
def test_only_desk_officers_open_the_desks(reference_data, officer_client, client, resident, url):
    assert client.get(url).status_code == 302  # to the officer log-in
    client.force_login(resident)
    assert client.get(url).status_code == 403
    for role, expected in (("verifier", 403), ("operator", 403), ("pickup_desk", 200)):
        officer, _user = officer_client(role)
        assert officer.get(url).status_code == expected, role
    head, _user = officer_client("head_of_section")
    assert head.get(url).status_code == 200


def test_the_label_needs_a_desk_officer(reference_data, courier, officer_client, ready_card):
    from tests.handover.test_courier_flow import choose_courier

    choose_courier(ready_card)
    booking = CourierBooking.objects.get(application=ready_card)
    url = reverse("handover:courier_label", args=[booking.pk])
    verifier, _user = officer_client("verifier")
    assert verifier.get(url).status_code == 403
    desk_client, _user = officer_client("pickup_desk")
    assert desk_client.get(url).status_code == 200

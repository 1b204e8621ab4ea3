"""The delivery choice in WhatsApp: the ready notice offers counter or courier as buttons; the
courier path asks only the street, a landmark and the payment (the desa is known), shows the
courier's price estimate and books the courier on "yes"."""

import pytest

from accounts.models import User
from channels.models import Conversation
from handover.models import CourierBooking, DeliveryChoice
from tests.channels.test_whatsapp_end_to_end import (  # noqa: F401 — fixtures
    cloud,
    one,
    options_offered,
    press,
    reference_data,
    say,
)
from tests.handover.conftest import build_card, courier, make_ready  # noqa: F401 — fixture

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "+6281255554444"


@pytest.fixture
def card(cloud, reference_data):  # noqa: F811
    resident = User.objects.create(username=PHONE, phone=PHONE)
    say(cloud, PHONE, "halo")  # the resident talks to us on WhatsApp
    return build_card(resident)


def test_a_resident_chooses_the_courier_from_the_ready_notice(cloud, courier, card):  # noqa: F811
    make_ready(card)
    kind, buttons = options_offered(cloud, PHONE)
    assert kind == "button" and f"kurir:{card.public_id}" in buttons

    street_question = one(press(cloud, PHONE, f"kurir:{card.public_id}"))
    assert card.registration_number in street_question and "Sepinggan" in street_question
    assert "Alamat terlalu singkat" in one(say(cloud, PHONE, "Jl"))
    landmark_question = one(say(cloud, PHONE, "Jl. Mulawarman No. 7 RT 03"))
    assert "Patokan" in landmark_question
    payment_question = one(say(cloud, PHONE, "dekat masjid Al-Ikhlas"))
    assert "ongkos kirim dibayar Anda" in payment_question

    # "We are asking the courier" and, as soon as it answers, the price with a yes/no (in
    # whichever order the two tasks finish).
    asked, estimate = sorted(press(cloud, PHONE, "cash"), key=lambda t: "Perkiraan" in t)
    assert "Kami tanyakan ongkos kirimnya" in asked
    assert "Perkiraan ongkos kirim: Rp15.000 (dibayar tunai" in estimate
    assert "Kirim dengan kurir?" in estimate
    choice = DeliveryChoice.objects.get(application=card)
    assert (choice.street, choice.landmark, choice.payment) == (
        "Jl. Mulawarman No. 7 RT 03",
        "dekat masjid Al-Ikhlas",
        "cash",
    )
    assert choice.method == DeliveryChoice.COUNTER  # nothing chosen before "yes"

    booked = one(press(cloud, PHONE, "ya"))
    assert "Kurir kami pesan sekarang" in booked
    choice.refresh_from_db()
    assert choice.method == DeliveryChoice.COURIER and choice.confirmed_at
    assert CourierBooking.objects.filter(application=card).count() == 1


def test_loket_keeps_the_counter_and_batal_leaves_the_courier_questions(cloud, card):  # noqa: F811
    assert "Tulis nama jalan" in one(say(cloud, PHONE, "KURIR"))
    say(cloud, PHONE, "batal")
    state = Conversation.objects.get(channel="whatsapp", phone=PHONE).state
    assert "delivery" not in state and "ask" not in state
    assert not DeliveryChoice.objects.filter(application=card, method="courier").exists()
    answer = one(say(cloud, PHONE, "LOKET"))
    assert "ambil di loket" in answer and card.registration_number in answer


def test_no_card_means_a_clear_answer(cloud, reference_data):  # noqa: F811
    answer = one(say(cloud, "+6281200001111", "KURIR"))
    assert "Tidak ada KTP-el atau KIA dari nomor HP ini" in answer

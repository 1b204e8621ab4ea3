"""The production pages under /kantor/produksi/: who may see and do what, and what they see."""

import pytest
from django.urls import reverse

from applications import lifecycle
from applications.models import Application
from notifications.models import OutboxMessage
from production.models import PrintBatch, StockMovement, SupplyItem
from tests.production.conftest import item

pytestmark = pytest.mark.django_db

STOCK = "/kantor/produksi/"
QUEUE = "/kantor/produksi/antrean/"
PAGES = [STOCK, QUEUE]
ACTIONS = [
    "/kantor/produksi/stok/terima/",
    "/kantor/produksi/stok/hitung/",
    "/kantor/produksi/stok/batas/",
    "/kantor/produksi/antrean/cetak/",
    "/kantor/produksi/antrean/tanggal-baru/",
]


@pytest.fixture
def operator(officer_client):
    return officer_client("operator")[0]


@pytest.fixture
def head(officer_client):
    return officer_client("head_of_section")[0]


def text(response) -> str:
    return response.content.decode()


def test_the_urls_are_named():
    assert reverse("production:stock") == STOCK
    assert reverse("production:queue") == QUEUE
    assert reverse("production:batch") == "/kantor/produksi/antrean/cetak/"
    assert reverse("production:new_date") == "/kantor/produksi/antrean/tanggal-baru/"
    assert reverse("production:batch_detail", args=[7]) == "/kantor/produksi/batch/7/"


@pytest.mark.parametrize("role", ["verifier", "front_desk", "pickup_desk", "customer_service"])
def test_other_roles_get_a_403_page_everywhere(officer_client, role, stock, make_application):
    stock(blanko=10, ribbon=1, film=1)
    card = make_application()
    client, _ = officer_client(role)
    for url in PAGES:
        assert client.get(url).status_code == 403
    for url in ACTIONS:
        response = client.post(
            url, {"applications": [card.public_id], "receive-item": "blanko", "receive-quantity": 5}
        )
        assert response.status_code == 403
    assert item("blanko").on_hand == 10
    card.refresh_from_db()
    assert card.status == lifecycle.APPROVED


def test_strangers_sign_in_first_and_residents_are_refused(client, resident):
    assert client.get(STOCK).status_code == 302
    assert client.post(ACTIONS[0]).status_code == 302
    client.force_login(resident)
    assert client.get(STOCK).status_code == 403
    assert client.get(QUEUE).status_code == 403


def test_the_head_of_section_watches_but_does_not_act(head, stock, make_application):
    stock(blanko=3, blanko_threshold=100)
    card = make_application()
    page = head.get(STOCK)
    assert page.status_code == 200
    assert "Stok menipis" in text(page)
    assert 'name="receive-quantity"' not in text(page)
    queue = head.get(QUEUE)
    assert queue.status_code == 200 and card.registration_number in text(queue)
    assert 'name="applications"' not in text(queue)
    for url in ACTIONS:
        response = head.post(
            url, {"applications": [card.public_id], "receive-item": "blanko", "receive-quantity": 5}
        )
        assert response.status_code == 403
    assert item("blanko").on_hand == 3


def test_pages_refuse_the_wrong_method(operator):
    assert operator.get(ACTIONS[0]).status_code == 405
    assert operator.post(STOCK).status_code == 405


def test_the_low_stock_warning_appears_at_the_threshold(head, stock):
    stock(blanko=500, ribbon=3, film=3, ribbon_threshold=2, film_threshold=1)
    assert "Stok menipis" not in text(head.get(STOCK))
    stock(ribbon=2)
    page = text(head.get(STOCK))
    assert "Stok menipis" in page
    assert "Ribbon printer kartu (YMCKK) tinggal 2 rol (batas 2)" in page
    assert "Film printer" not in page.split("Stok menipis")[1].split("</ul>")[0]
    assert "Stok menipis" in text(head.get(QUEUE))


def test_an_operator_receives_and_counts_stock_through_the_forms(operator):
    response = operator.post(
        ACTIONS[0],
        {"receive-item": "blanko", "receive-quantity": "250", "receive-note": "dari provinsi"},
    )
    assert response.status_code == 302 and response.url == STOCK
    assert item("blanko").on_hand == 250
    page = text(operator.get(STOCK))
    assert "Blanko KTP-el/KIA: stok sekarang 250 keping." in page
    assert "dari provinsi" in page

    operator.post(ACTIONS[1], {"count-item": "blanko", "count-counted": "248"})
    assert item("blanko").on_hand == 248
    counted = StockMovement.objects.get(reason="counted")
    assert counted.delta == -2

    operator.post(ACTIONS[2], {"threshold-item": "ribbon", "threshold-threshold": "3"})
    assert item("ribbon").low_stock_threshold == 3


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        (ACTIONS[0], {"receive-item": "blanko", "receive-quantity": "-5"}, "tidak boleh negatif"),
        (ACTIONS[0], {"receive-item": "blanko", "receive-quantity": "0"}, "paling sedikit 1"),
        (ACTIONS[0], {"receive-item": "blanko", "receive-quantity": "lima"}, "angka bulat"),
        (ACTIONS[0], {"receive-item": "blanko", "receive-quantity": "2.5"}, "angka bulat"),
        (ACTIONS[0], {"receive-item": "blanko", "receive-quantity": ""}, "Isi jumlahnya"),
        (ACTIONS[0], {"receive-item": "blanko", "receive-quantity": "999999999"}, "terlalu besar"),
        (ACTIONS[0], {"receive-item": "tinta", "receive-quantity": "5"}, "Pilih bahan"),
        (ACTIONS[1], {"count-item": "blanko", "count-counted": "-1"}, "tidak boleh negatif"),
        (ACTIONS[1], {"count-item": "blanko", "count-counted": "x"}, "angka bulat"),
        (ACTIONS[2], {"threshold-item": "film", "threshold-threshold": "-2"}, "negatif."),
    ],
)
def test_bad_quantities_get_a_clear_message_and_nothing_is_saved(
    operator, stock, url, data, message
):
    stock(blanko=40, film_threshold=1)
    response = operator.post(url, data)
    assert response.status_code == 400
    assert message in text(response)
    assert item("blanko").on_hand == 40 and item("film").low_stock_threshold == 1
    assert not StockMovement.objects.exists()


def test_the_queue_shows_approved_cards_and_how_many_the_stock_can_print(
    operator, stock, make_application
):
    stock(blanko=1, ribbon=1, film=1)
    oldest = make_application("KTP")
    newer = make_application("KIA")
    kk = make_application("KK")
    page = text(operator.get(QUEUE))
    assert page.index(oldest.registration_number) < page.index(newer.registration_number)
    assert kk.registration_number not in page
    assert "Stok sekarang cukup untuk 1 kartu." in page
    assert "1 warga harus menunggu stok" in page
    assert page.count("menunggu stok</span>") == 1


def test_an_operator_prints_a_batch_from_the_queue(operator, stock, make_application):
    stock(blanko=10, ribbon=1, film=1)
    cards = [make_application("KTP"), make_application("KIA")]
    response = operator.post(ACTIONS[3], {"applications": [c.public_id for c in cards]})
    batch = PrintBatch.objects.get()
    assert response.status_code == 302 and response.url == f"/kantor/produksi/batch/{batch.pk}/"
    assert item("blanko").on_hand == 8
    assert set(Application.objects.values_list("status", flat=True)) == {
        lifecycle.READY_FOR_HANDOVER
    }
    page = text(operator.get(response.url))
    assert "2 kartu dicetak dan siap diserahkan" in page
    assert all(c.registration_number in page for c in cards)
    assert "Siap diambil atau dikirim" in page


def test_a_shortage_is_explained_on_the_queue_and_nothing_changes(
    operator, stock, make_application
):
    stock(blanko=1, ribbon=1, film=1)
    cards = [make_application(), make_application()]
    response = operator.post(ACTIONS[3], {"applications": [c.public_id for c in cards]})
    assert response.status_code == 409
    page = text(response)
    assert "Stok Blanko KTP-el/KIA tidak cukup" in page
    assert "Kurang 1 kartu (perlu tambahan 1 keping)" in page
    assert page.count(" checked>") == 2  # the selection survives the refusal
    assert item("blanko").on_hand == 1
    assert not PrintBatch.objects.exists()
    assert set(Application.objects.values_list("status", flat=True)) == {lifecycle.APPROVED}


def test_a_batch_needs_a_selection(operator, stock):
    stock(blanko=1, ribbon=1, film=1)
    response = operator.post(ACTIONS[3], {})
    assert response.status_code == 400
    assert "Pilih paling sedikit satu permohonan." in text(response)
    garbage = operator.post(ACTIONS[3], {"applications": ["not-a-uuid"]})
    assert garbage.status_code == 400
    assert "tidak ditemukan" in text(garbage)


def test_an_operator_gives_waiting_residents_a_new_date(operator, stock, make_application):
    stock(blanko=0, ribbon=1, film=1)
    card = make_application("KTP")
    page = text(operator.get(QUEUE))
    suggested = "stok Blanko KTP-el/KIA di kantor tidak cukup, kami menunggu kiriman"
    assert suggested in page
    before = OutboxMessage.objects.count()
    response = operator.post(
        ACTIONS[4],
        {"applications": [card.public_id], "working_days": "7", "reason": "blanko habis"},
        follow=True,
    )
    card.refresh_from_db()
    assert response.status_code == 200
    assert "dikirim lewat SMS kepada 1 warga" in text(response)
    assert card.events.filter(data__promise_changed=True).count() == 1
    assert OutboxMessage.objects.count() == before + 1
    assert "tertunda: blanko habis" in OutboxMessage.objects.order_by("id").last().body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"working_days": "7", "reason": ""}, "Tuliskan alasannya"),
        ({"working_days": "-3", "reason": "habis"}, "paling sedikit 1"),
        ({"working_days": "tujuh", "reason": "habis"}, "angka bulat"),
        ({"working_days": "90", "reason": "habis"}, "paling banyak 60"),
    ],
)
def test_a_new_date_with_bad_input_changes_nothing(operator, make_application, data, message):
    card = make_application("KTP")
    before = (card.promise_date, OutboxMessage.objects.count())
    response = operator.post(ACTIONS[4], {"applications": [card.public_id], **data})
    assert response.status_code == 400
    assert message in text(response)
    card.refresh_from_db()
    assert (card.promise_date, OutboxMessage.objects.count()) == before


def test_english_pages_render(operator, stock):
    stock(blanko=0)
    operator.post("/i18n/setlang/", {"language": "en"})
    assert operator.get(STOCK, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert SupplyItem.objects.count() == 3

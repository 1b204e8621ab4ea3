"""The resident's delivery choice on the web: pre-filled address, refusals, estimate, preview."""

import pytest
from django.urls import reverse

from handover.models import DeliveryChoice
from tests.handover.conftest import SEPINGGAN

pytestmark = pytest.mark.django_db(transaction=True)


def address(**changes):
    return {
        "village": SEPINGGAN,
        "street": "Jl. Mulawarman No. 7 RT 03",
        "landmark": "pagar hijau",
        "latitude": "",
        "longitude": "",
        "phone": "0812 3456 7890",
        "payment": "cash",
        **changes,
    }


def test_the_address_form_is_prefilled_from_the_application(resident_client, approved_card):
    page = resident_client.get(reverse("handover:courier_address", args=[approved_card.public_id]))
    html = page.content.decode()
    assert 'value="Jl. Mulawarman No. 7 RT 03"' in html
    assert f'<option value="{SEPINGGAN}" selected>' in html
    assert "dibayar Anda kepada kurir" in html and "CONTOH" in html  # the envelope preview


def test_choosing_the_courier_shows_the_estimate_before_confirming(
    courier, resident_client, approved_card
):
    url = reverse("handover:courier_address", args=[approved_card.public_id])
    response = resident_client.post(url, address(latitude="-1.255", longitude="116.86"))
    confirm = reverse("handover:courier_confirm", args=[approved_card.public_id])
    assert response.status_code == 302 and response["Location"] == confirm
    html = resident_client.get(confirm).content.decode()
    price = DeliveryChoice.objects.get(application=approved_card).estimate_price
    assert f"Rp{price:,}".replace(",", ".") in html and "Tunai kepada kurir" in html
    assert DeliveryChoice.objects.get(application=approved_card).method == "counter"
    resident_client.post(confirm)
    assert DeliveryChoice.objects.get(application=approved_card).method == "courier"
    detail = resident_client.get(reverse("applications:detail", args=[approved_card.public_id]))
    assert "Kurir dipesan saat kartu siap" in detail.content.decode()


def test_an_address_outside_the_kabupaten_is_refused_on_the_page(
    courier, resident_client, approved_card
):
    url = reverse("handover:courier_address", args=[approved_card.public_id])
    response = resident_client.post(url, address(village="6472011001"))
    assert response.status_code == 400
    assert "Alamat di luar Kota Balikpapan" in response.content.decode()
    pinned = resident_client.post(url, address(latitude="-6.2", longitude="106.8"))
    assert pinned.status_code == 400 and "Titik peta berada di luar" in pinned.content.decode()
    assert not DeliveryChoice.objects.filter(street__gt="").exists()


def test_the_courier_being_down_keeps_the_choice_and_says_so(
    courier, resident_client, approved_card
):
    courier.mode = "down"
    url = reverse("handover:courier_address", args=[approved_card.public_id])
    resident_client.post(url, address())
    confirm = reverse("handover:courier_confirm", args=[approved_card.public_id])
    assert "Layanan kurir sedang gangguan" in resident_client.get(confirm).content.decode()
    resident_client.post(confirm)
    assert DeliveryChoice.objects.get(application=approved_card).method == "courier"


def test_someone_elses_application_is_a_404(other_resident, client, approved_card):
    client.force_login(other_resident)
    for name in ("handover:courier_address", "handover:courier_confirm"):
        assert client.get(reverse(name, args=[approved_card.public_id])).status_code == 404
    url = reverse("handover:choose_counter", args=[approved_card.public_id])
    assert client.post(url).status_code == 404

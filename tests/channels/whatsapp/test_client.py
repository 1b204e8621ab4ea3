"""The Graph API client against the fake: exact request bodies, Meta's errors sorted into
retryable and permanent, media downloads."""

import pytest

from channels.whatsapp import client
from channels.whatsapp.client import WhatsAppError
from tests.conftest import jpeg_bytes, pdf_bytes

TO = "+6281234567890"


def test_a_text_goes_out_in_the_cloud_api_shape(whatsapp_cloud):
    message_id = client.send_text(TO, "Halo, permohonan Anda diterima.")
    assert message_id.startswith("wamid.")
    sent = whatsapp_cloud.sent[-1]
    assert sent["id"] == message_id
    assert sent["payload"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "text",
        "text": {"preview_url": False, "body": "Halo, permohonan Anda diterima."},
    }
    assert whatsapp_cloud.calls == [("POST", "/v21.0/100000000000001/messages")]


def test_the_outbox_sender_returns_the_provider_id(whatsapp_cloud):
    assert client.send_whatsapp(TO, "halo") == whatsapp_cloud.sent[-1]["id"]


def test_reply_buttons_fit_the_limits(whatsapp_cloud):
    interactive = client.reply_buttons(
        "Pilih layanan:",
        [("svc:KTP", "KTP-el"), ("svc:KIA", "Kartu Identitas Anak (KIA)"), ("svc:KK", "KK")],
        header="Loket",
        footer="Ketik batal untuk berhenti",
    )
    client.send_interactive(TO, interactive)
    sent = whatsapp_cloud.sent[-1]["payload"]["interactive"]
    titles = [b["reply"]["title"] for b in sent["action"]["buttons"]]
    assert titles == ["KTP-el", "Kartu Identitas Ana…", "KK"]
    assert all(len(t) <= 20 for t in titles)
    assert sent["header"] == {"type": "text", "text": "Loket"}


def test_a_list_fits_the_limits(whatsapp_cloud):
    rows = [
        (f"svc:{i}", f"Layanan nomor {i} yang panjang sekali", "keterangan " * 10)
        for i in range(10)
    ]
    interactive = client.list_message("Pilih layanan", "Daftar layanan", [("Layanan", rows)])
    client.send_interactive(TO, interactive)
    sent = whatsapp_cloud.sent[-1]["payload"]["interactive"]
    assert sent["type"] == "list" and len(sent["action"]["sections"][0]["rows"]) == 10
    with pytest.raises(ValueError):
        client.list_message("x", "y", [("s", rows + rows[:1])])
    with pytest.raises(ValueError):
        client.reply_buttons("x", [("a", "a")] * 4)


def test_an_interactive_over_the_limits_is_a_permanent_error(whatsapp_cloud):
    interactive = {
        "type": "button",
        "body": {"text": "Pilih"},
        "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "x" * 21}}]},
    }
    with pytest.raises(WhatsAppError) as caught:
        client.send_interactive(TO, interactive)
    assert caught.value.code == 131009 and not caught.value.retryable
    assert whatsapp_cloud.sent == []


def test_a_template_carries_its_parameters_flattened(whatsapp_cloud):
    client.send_template(TO, "loket_pemberitahuan", "id", ["Permohonan\nAnda\tsiap      diambil."])
    template = whatsapp_cloud.sent[-1]["payload"]["template"]
    assert template == {
        "name": "loket_pemberitahuan",
        "language": {"code": "id"},
        "components": [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": "Permohonan Anda siap   diambil."}],
            }
        ],
    }


def test_an_unknown_template_is_permanent(whatsapp_cloud):
    with pytest.raises(WhatsAppError) as caught:
        client.send_template(TO, "tidak_ada", "id", ["x"])
    assert caught.value.code == 132001 and not caught.value.retryable


@pytest.mark.parametrize(
    "answer, code, retryable",
    [
        (429, 130429, True),
        (500, 131000, True),
        (503, 131016, True),
        (502, 1, True),
        (400, 100, False),
        (401, 190, False),
    ],
)
def test_graph_api_errors_are_sorted(whatsapp_cloud, answer, code, retryable):
    whatsapp_cloud.fail_next.append(answer)
    with pytest.raises(WhatsAppError) as caught:
        client.send_text(TO, "Rahasia: NIK 6471054107900001")
    error = caught.value
    assert (error.code, error.retryable) == (code, retryable)
    assert str(answer) in str(error)
    assert "6471054107900001" not in str(error) and "6281234567890" not in str(error)
    assert client.send_text(TO, "lagi")  # the next call goes through


def test_a_wrong_token_is_permanent(whatsapp_cloud, settings):
    settings.WHATSAPP_ACCESS_TOKEN = "stolen"
    with pytest.raises(WhatsAppError) as caught:
        client.send_text(TO, "halo")
    assert caught.value.code == 190 and not caught.value.retryable


def test_a_timeout_is_retryable(whatsapp_cloud, settings):
    settings.HTTP_TIMEOUT_SECONDS = 0.5
    whatsapp_cloud.fail_next.append("timeout")
    with pytest.raises(WhatsAppError) as caught:
        client.send_text(TO, "halo")
    assert caught.value.retryable and "timeout" in str(caught.value)
    assert whatsapp_cloud.sent == []


def test_an_unreachable_api_is_retryable(settings):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.WHATSAPP_API_BASE_URL = f"http://127.0.0.1:{port}"
    with pytest.raises(WhatsAppError) as caught:
        client.send_text(TO, "halo")
    assert caught.value.retryable


def test_a_photo_is_downloaded_with_the_bearer_token(whatsapp_cloud):
    content = jpeg_bytes()
    media_id = whatsapp_cloud.add_media(content, "image/jpeg")
    assert client.download_media(media_id) == (content, "image/jpeg")
    assert [path for _, path in whatsapp_cloud.calls] == [
        f"/v21.0/{media_id}",
        f"/media/{media_id}",
    ]


def test_a_document_is_downloaded(whatsapp_cloud):
    content = pdf_bytes()
    media_id = whatsapp_cloud.add_media(content, "application/pdf", "akta.pdf")
    assert client.download_media(media_id) == (content, "application/pdf")


def test_unknown_media_is_permanent(whatsapp_cloud):
    with pytest.raises(WhatsAppError) as caught:
        client.download_media("999")
    assert caught.value.code == 100 and not caught.value.retryable


def test_a_server_error_on_media_is_retryable(whatsapp_cloud):
    media_id = whatsapp_cloud.add_media(b"x", "image/jpeg")
    whatsapp_cloud.fail_next.append(500)
    with pytest.raises(WhatsAppError) as caught:
        client.download_media(media_id)
    assert caught.value.retryable
    assert client.download_media(media_id) == (b"x", "image/jpeg")


def test_media_too_large_is_refused_before_reading_it(whatsapp_cloud):
    media_id = whatsapp_cloud.add_media(b"x" * 2048, "image/jpeg")
    with pytest.raises(WhatsAppError) as caught:
        client.download_media(media_id, max_bytes=1024)
    assert not caught.value.retryable and "terlalu besar" in str(caught.value)


def test_media_bigger_than_announced_is_cut_off(whatsapp_cloud, monkeypatch):
    media_id = whatsapp_cloud.add_media(b"x" * 2048, "image/jpeg")
    monkeypatch.setattr(
        client,
        "_graph",
        lambda method, path: {
            "url": f"{whatsapp_cloud.base_url}/media/{media_id}",
            "mime_type": "image/jpeg",
        },
    )
    with pytest.raises(WhatsAppError) as caught:
        client.download_media(media_id, max_bytes=1024)
    assert not caught.value.retryable


def test_corrupted_media_is_retryable(whatsapp_cloud):
    media_id = whatsapp_cloud.add_media(b"original", "image/jpeg")
    whatsapp_cloud.media[media_id]["content"] = b"tampered"
    with pytest.raises(WhatsAppError) as caught:
        client.download_media(media_id)
    assert caught.value.retryable and "sha256" in str(caught.value)


def test_the_media_url_needs_the_token(whatsapp_cloud):
    import httpx

    media_id = whatsapp_cloud.add_media(b"x", "image/jpeg")
    response = httpx.get(f"{whatsapp_cloud.base_url}/media/{media_id}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == 190


@pytest.mark.parametrize(
    "digest, ok",
    [
        ("2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881", True),
        ("LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=", True),
        ("0" * 64, False),
        ("", True),
        (None, True),
        ("something-else", True),
    ],
)
def test_sha256_is_checked_in_hex_or_base64(digest, ok):
    assert client.sha256_matches(b"x", digest) is ok


def test_numbers_are_sent_as_digits():
    assert client.wa_number("+62 812-3456-7890") == "6281234567890"

"""Issue 5, "Done when", end to end: the fake Cloud API signs and POSTs webhooks to the live
server, the real conversation engine answers, and every answer goes back out through the fake
Graph API. Tasks run in-process when their transaction commits (ImmediateBackend), so by the
time a webhook POST returns, its replies have reached the fake (or are waiting for a retry).

- A resident applies for a KIA entirely in WhatsApp: the seed format, four photos, a fix request
  from the verifier answered with a new photo, a status query and the "ready" notice.
- Another resident goes through the guided menu (list and button replies) up to a draft.
- Exactly once: a webhook delivered twice, and a Graph API answering 429 then 500.
- A WhatsApp message that fails falls back to SMS once; an SMS-only resident asks for status.
"""

import re
import threading
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from fakes.whatsapp_cloud import failure, readable, serve, text_message

from applications import lifecycle
from applications.models import Application
from applications.verification import Decision, verification_claim, verification_decide
from channels.engine import long_date
from channels.models import Conversation, InboundMessage
from notifications.models import OutboxMessage
from notifications.tasks import resume_outbox
from tests.conftest import (
    BALIKPAPAN_KK,
    BALIKPAPAN_WOMAN_NIK,
    jpeg_bytes,
    load_reference_data,
    make_officer,
)

pytestmark = pytest.mark.django_db(transaction=True)

WEBHOOK_PATH = "/channels/whatsapp/webhook"
SMS_INBOUND_PATH = "/channels/sms/inbound"
APP_SECRET = "e2e-app-secret"
ACCESS_TOKEN = "e2e-wa-token"
PHONE_NUMBER_ID = "100000000000001"

PHONE = "+6281234567890"  # applies for a KIA
GUIDED_PHONE = "+6281299998888"  # uses the menu
SMS_PHONE = "+6281377776666"  # no data signal: SMS only
CHILD_2023_NIK = "6471051503230003"  # kec. 647105 (Balikpapan Selatan), born 15 March 2023
KIA_FORMAT = f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi#Sepinggan#Balikpapan Selatan"


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def reference_data(transactional_db):
    """A transactional test's flush also empties what migrations loaded; load it again
    (as tests/browser/conftest.py does)."""
    load_reference_data()


@pytest.fixture
def cloud(settings, live_server, reference_data):
    """The fake Cloud API on a free loopback port, posting its webhooks to the live server;
    Loket's settings point at it."""
    server, state = serve(
        "127.0.0.1",
        0,
        app_secret=APP_SECRET,
        access_token=ACCESS_TOKEN,
        webhook_url=live_server.url + WEBHOOK_PATH,
        phone_number_id=PHONE_NUMBER_ID,
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    settings.WHATSAPP_API_BASE_URL = state.base_url
    settings.WHATSAPP_ACCESS_TOKEN = ACCESS_TOKEN
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.HTTP_TIMEOUT_SECONDS = 2
    state.timeout_seconds = 3
    yield state
    state.stopping.set()
    server.shutdown()
    server.server_close()


# --- helpers ---------------------------------------------------------------------------------


def sent_since(cloud, phone: str, mark: int) -> list[str]:
    """What Loket sent to `phone` after the fake's sent-log had `mark` entries, as read."""
    with cloud.lock:
        later = cloud.sent[mark:]
    number = phone.lstrip("+")
    return [readable(m) for m in later if m["to"] == number]


def exchange(cloud, phone: str, deliver) -> list[str]:
    """Let the resident send something (`deliver()` POSTs the webhook); Loket's answers."""
    mark = len(cloud.sent)
    assert deliver() == 200
    return sent_since(cloud, phone, mark)


def say(cloud, phone: str, text: str) -> list[str]:
    return exchange(cloud, phone, lambda: cloud.resident_sends_text(phone, text))


def send_photo(cloud, phone: str, color=(200, 120, 40)) -> list[str]:
    photo = jpeg_bytes(size=(640, 480), color=color)
    return exchange(cloud, phone, lambda: cloud.resident_sends_image(phone, photo, "image/jpeg"))


def options_offered(cloud, phone: str) -> tuple[str, dict[str, str]]:
    """("button" | "list", {id: title}) of the last interactive message sent to `phone`."""
    last = cloud.last_sent_to(phone, kind="interactive")
    assert last is not None, "no interactive message was sent"
    interactive = last["payload"]["interactive"]
    if interactive["type"] == "button":
        buttons = interactive["action"]["buttons"]
        return "button", {b["reply"]["id"]: b["reply"]["title"] for b in buttons}
    rows = [row for s in interactive["action"]["sections"] for row in s["rows"]]
    return "list", {row["id"]: row["title"] for row in rows}


def press(cloud, phone: str, option_id: str) -> list[str]:
    """Tap a reply button of the bot's last buttons message."""
    kind, options = options_offered(cloud, phone)
    assert kind == "button" and option_id in options, (kind, options)
    return exchange(
        cloud,
        phone,
        lambda: cloud.resident_presses_button(phone, option_id, options[option_id]),
    )


def pick(cloud, phone: str, option_id: str) -> list[str]:
    """Pick a row of the bot's last list message."""
    kind, options = options_offered(cloud, phone)
    assert kind == "list" and option_id in options, (kind, options)
    return exchange(
        cloud,
        phone,
        lambda: cloud.resident_picks_from_list(phone, option_id, options[option_id]),
    )


def requested(reply: str) -> str:
    """The requirement a reply asks the resident to send next."""
    match = re.search(r"Kirim sekarang foto atau PDF: (.+?)\. Satu berkas", reply)
    assert match, reply
    return match.group(1)


def one(replies: list[str]) -> str:
    assert len(replies) == 1, replies
    return replies[0]


def move(application: Application, *statuses: str) -> Application:
    """Officer-side steps, each in its own transaction (its notice is sent on commit)."""
    for status in statuses:
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=application.pk)
            lifecycle.transition(application, status)
    return application


def decide(application: Application, verifier, reject: dict[str, tuple[str, str]]) -> None:
    """Claim and decide every file: rejected {requirement code: (reason, note)}, rest accepted."""
    verification_claim(application=application, officer=verifier)
    decisions = {}
    for attachment in application.attachments.select_related("requirement"):
        code = attachment.requirement.code
        reason, note = reject.get(code, ("", ""))
        decisions[attachment.requirement_id] = Decision(not reason, reason, note)
    verification_decide(application=application, officer=verifier, decisions=decisions)


def assert_each_reply_sent_once(cloud) -> None:
    """Every WhatsApp outbox message reached the fake exactly once, with its own text, and the
    fake got nothing the outbox does not know about."""
    outbox = list(OutboxMessage.objects.filter(channel="whatsapp"))
    assert outbox and all(m.status == OutboxMessage.SENT for m in outbox)
    with cloud.lock:
        by_id = {m["id"]: m for m in cloud.sent}
    assert len(by_id) == len(cloud.sent) == len(outbox)
    for message in outbox:
        sent = by_id[message.provider_id]
        assert sent["to"] == message.recipient.lstrip("+")
        assert readable(sent) == (
            message.interactive["body"]["text"] if message.interactive else message.body
        )


# --- a KIA entirely in WhatsApp --------------------------------------------------------------


def test_a_resident_applies_for_a_kia_entirely_in_whatsapp(cloud):
    # The seed format: the reply confirms what was understood and asks for the first file.
    confirmation = one(say(cloud, PHONE, KIA_FORMAT))
    assert "Kartu Identitas Anak (KIA) tercatat (draf)" in confirmation
    assert "Nama: Budi" in confirmation
    assert "Sepinggan (Kec. Balikpapan Selatan)" in confirmation
    assert "1. Akta kelahiran anak: belum ada" in confirmation
    assert "Kirim sekarang foto atau PDF: Akta kelahiran anak" in confirmation
    application = Application.objects.get()
    assert (application.status, application.channel) == (lifecycle.DRAFT, "whatsapp")

    # Four photos: each is stored as the requirement the bot asked for; the fourth submits.
    asked = confirmation
    for _ in range(3):
        reply = one(send_photo(cloud, PHONE))
        assert f"{requested(asked)} tersimpan." in reply and "Masih kurang" in reply
        asked = reply
    assert requested(asked) == "Kartu Keluarga (KK)"
    submitted = one(send_photo(cloud, PHONE))
    assert "Kartu Keluarga (KK) tersimpan." in submitted
    application.refresh_from_db()
    assert application.status == lifecycle.SUBMITTED
    assert f"Nomor registrasi: {application.registration_number}" in submitted
    assert f"Perkiraan selesai: {long_date(application.promise_date)}" in submitted
    media_calls = [path for method, path in cloud.calls if path.startswith("/media/")]
    assert len(media_calls) == 4  # each photo downloaded once
    codes = sorted(a.requirement.code for a in application.attachments.all())
    assert codes == ["akta_kelahiran", "kk", "ktp_ayah", "ktp_ibu"]

    # The verifier rejects the mother's KTP: the fix request reaches the resident in WhatsApp.
    verifier = make_officer("verifier1", "verifier")
    mark = len(cloud.sent)
    decide(application, verifier, reject={"ktp_ibu": ("unreadable", "buram")})
    application.refresh_from_db()
    assert application.status == lifecycle.NEEDS_FIX
    being_checked, fix_request = sent_since(cloud, PHONE, mark)
    assert "sedang diperiksa petugas" in being_checked
    assert f"permohonan {application.registration_number} perlu perbaikan" in fix_request
    assert "KTP-el ibu: Tidak terbaca atau buram (buram)" in fix_request
    assert cloud.last_sent_to(PHONE)["type"] == "text"  # inside the 24-hour window

    # A new photo answers it.
    fixed = one(send_photo(cloud, PHONE, color=(20, 160, 90)))
    application.refresh_from_db()
    assert application.status == lifecycle.RESUBMITTED
    assert "KTP-el ibu tersimpan" in fixed
    assert f"Perbaikan permohonan {application.registration_number} kami terima" in fixed

    status = one(say(cloud, PHONE, f"STATUS {application.registration_number}"))
    assert f"Permohonan {application.registration_number}" in status
    assert "Diajukan ulang" in status
    assert long_date(application.promise_date) in status

    # Verified, approved by central, printed, ready: the "ready" notice arrives in WhatsApp.
    mark = len(cloud.sent)
    decide(application, verifier, reject={})
    move(
        application,
        lifecycle.SENT_TO_CENTRAL,
        lifecycle.APPROVED,
        lifecycle.PRINTED,
        lifecycle.READY_FOR_HANDOVER,
    )
    notices = sent_since(cloud, PHONE, mark)
    assert len(notices) == 6  # in verification, verified, central, approved, printed, ready
    ready = notices[-1]
    assert "siap diambil di loket atau dikirim kurir" in ready
    assert application.registration_number in ready
    last = cloud.last_sent_to(PHONE)
    assert last["type"] == "interactive" and not last["outside_window"]
    kind, choices = options_offered(cloud, PHONE)  # counter or courier, one tap away
    assert kind == "button"
    assert sorted(choices.values()) == ["Ambil di loket", "Kirim kurir"]

    assert_each_reply_sent_once(cloud)
    assert InboundMessage.objects.filter(state=InboundMessage.DONE).count() == 7
    assert not Conversation.objects.get(phone=PHONE).needs_human


# --- the guided menu -------------------------------------------------------------------------


def test_another_resident_is_guided_through_the_menu_up_to_a_draft(cloud):
    menu = one(say(cloud, GUIDED_PHONE, "halo"))
    assert "Pilih layanan" in menu
    kind, services = options_offered(cloud, GUIDED_PHONE)
    assert kind == "list" and {"KTP", "KIA", "KK"} <= set(services)

    variants = one(pick(cloud, GUIDED_PHONE, "KTP"))
    assert "Pilih jenis permohonan" in variants
    nik_question = one(pick(cloud, GUIDED_PHONE, "HILANG"))
    assert "NIK" in nik_question and "langkah 2 dari 6" in nik_question
    assert "Nomor KK" in one(say(cloud, GUIDED_PHONE, BALIKPAPAN_WOMAN_NIK))
    assert "Nama lengkap" in one(say(cloud, GUIDED_PHONE, BALIKPAPAN_KK))
    assert "nama desa/kelurahan" in one(say(cloud, GUIDED_PHONE, "Siti Aminah"))

    # An ambiguous desa is asked back with buttons; the resident presses one.
    ambiguous = one(say(cloud, GUIDED_PHONE, "gunung sari, balikpapan tengah"))
    assert "cocok dengan lebih dari satu tempat" in ambiguous
    kind, villages = options_offered(cloud, GUIDED_PHONE)
    assert kind == "button" and list(villages.values()) == ["Gunung Sari Ilir", "Gunung Sari Ulu"]
    assert "Alamat" in one(press(cloud, GUIDED_PHONE, "6471041001"))

    draft = one(say(cloud, GUIDED_PHONE, "Jl. Mawar No. 5 RT 02"))
    assert "tercatat (draf)" in draft and "Pengganti karena hilang" in draft
    assert "Surat keterangan kehilangan dari kepolisian: belum ada" in draft

    application = Application.objects.get()
    assert application.status == lifecycle.DRAFT and application.channel == "whatsapp"
    assert application.resident.phone == GUIDED_PHONE
    assert application.variant.code == "HILANG"
    assert application.village_id == "6471041001"
    assert application.data["nik"] == BALIKPAPAN_WOMAN_NIK
    assert application.data["address"] == "Jl. Mawar No. 5 RT 02"
    assert_each_reply_sent_once(cloud)


# --- exactly once ----------------------------------------------------------------------------


def test_a_webhook_delivered_twice_is_answered_once(cloud):
    message = text_message(PHONE, "halo")
    assert cloud.resident_sends(PHONE, message) == 200
    assert cloud.resident_sends(PHONE, message) == 200  # Meta delivers it again
    replies = cloud.texts_to(PHONE)
    assert len(replies) == 1 and "Pilih layanan" in replies[0]
    assert InboundMessage.objects.get().state == InboundMessage.DONE
    assert_each_reply_sent_once(cloud)


def test_a_graph_api_answering_429_then_500_still_gets_the_reply_out_once(cloud):
    cloud.fail_next.extend([429, 500])
    assert cloud.resident_sends_text(PHONE, "halo") == 200
    reply = OutboxMessage.objects.get(channel="whatsapp")
    assert reply.status == OutboxMessage.PENDING and "429" in reply.last_error
    assert cloud.sent == []

    resume_outbox()  # the worker's retry: 500 this time
    reply.refresh_from_db()
    assert reply.status == OutboxMessage.PENDING and "500" in reply.last_error
    assert cloud.sent == []

    resume_outbox()  # and again: accepted
    reply.refresh_from_db()
    assert reply.status == OutboxMessage.SENT and reply.attempts == 3
    assert resume_outbox() == 0  # nothing left to send
    assert len(cloud.sent_to(PHONE)) == 1 and "Pilih layanan" in cloud.texts_to(PHONE)[0]
    outcomes = list(reply.tries.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["retry", "retry", "sent"]
    sends = [path for method, path in cloud.calls if method == "POST"]
    assert len(sends) == 3
    assert_each_reply_sent_once(cloud)


def test_a_notice_after_the_24_hour_window_goes_as_the_approved_template(cloud):
    from accounts.models import User
    from tests.backoffice.conftest import submit_application

    one(say(cloud, PHONE, "halo"))
    resident = User.objects.create(username=PHONE, phone=PHONE)
    application = submit_application(resident)
    two_days_ago = timezone.now() - timedelta(days=2)
    Conversation.objects.filter(phone=PHONE).update(last_inbound_at=two_days_ago)
    mark = len(cloud.sent)
    move(application, lifecycle.IN_VERIFICATION)
    (notice,) = sent_since(cloud, PHONE, mark)
    last = cloud.last_sent_to(PHONE)
    assert last["type"] == "template"
    assert last["payload"]["template"]["name"] == "loket_pemberitahuan"
    assert application.registration_number in notice and "sedang diperiksa" in notice
    assert_each_reply_sent_once(cloud)


# --- SMS -------------------------------------------------------------------------------------


def test_a_failed_whatsapp_message_falls_back_to_sms_once(cloud, sms_gateway):
    one(say(cloud, PHONE, "halo"))
    reply = OutboxMessage.objects.get(channel="whatsapp")
    assert cloud.post_status(reply.provider_id, "failed", [failure()]) == 200
    assert cloud.post_status(reply.provider_id, "failed", [failure()]) == 200  # sent again
    assert cloud.post_status(reply.provider_id, "delivered") == 200  # late and contradictory
    reply.refresh_from_db()
    assert reply.status == OutboxMessage.FAILED and reply.delivery_status == "failed"
    assert "131026" in reply.last_error

    fallback = OutboxMessage.objects.get(channel="sms")
    assert fallback.fallback_of == reply and fallback.status == OutboxMessage.SENT
    texts = [m["text"] for m in sms_gateway.messages]
    assert texts == [reply.body] and "Pilih layanan" in texts[0]
    assert [m["to"] for m in sms_gateway.messages] == [PHONE]
    assert len(cloud.sent) == 1  # WhatsApp was not tried again


def test_an_sms_only_resident_queries_status_by_sms(cloud, sms_gateway, settings, live_server):
    from accounts.models import User
    from tests.backoffice.conftest import submit_application

    resident = User.objects.create(username=SMS_PHONE, phone=SMS_PHONE)
    application = submit_application(resident)
    settings.SMS_INBOUND_SECRET = "e2e-sms-inbound"
    sms_gateway.inbound_secret = "e2e-sms-inbound"
    sms_gateway.callback_url = live_server.url + SMS_INBOUND_PATH
    before = len(sms_gateway.messages)

    number = application.registration_number
    assert sms_gateway.resident_sends(SMS_PHONE, f"status {number}", "sms-1") == 200
    assert sms_gateway.resident_sends(SMS_PHONE, f"status {number}", "sms-1") == 200  # again
    answers = [m["text"] for m in sms_gateway.messages[before:] if m["to"] == SMS_PHONE]
    assert len(answers) == 1
    assert number in answers[0] and "Diajukan" in answers[0]
    assert cloud.sent == []  # nothing went to WhatsApp

"""Delivery choice in the chat (WhatsApp and SMS): "kirim kurir" or "ambil di loket".

Balikpapan's lesson: residents rarely booked a courier when they had to do it elsewhere and type
the address by hand. Here the resident types KURIR (or taps the button on the ready notice); the
desa and kecamatan are already known from the application, so the chat asks only the street, a
landmark and how they will pay the courier; the courier's price estimate arrives a moment later
(handover asks the courier in the background) with a yes/no question. LOKET keeps the counter.

The conversation keeps `state["delivery"] = {"app": <public id>, "street": …, "landmark": …}`
and asks with `ask.kind` delivery_street → delivery_landmark → delivery_payment →
delivery_estimate (waiting for the courier) → delivery_confirm.
"""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from applications import lifecycle
from applications.models import Application
from catalogue.models import CARD_SERVICES
from channels.replies import Reply, choice
from loket.errors import DomainError

COURIER_WORDS = {"kurir", "kirim kurir", "antar kurir", "pakai kurir", "courier", "delivery"}
COUNTER_WORDS = {"loket", "ambil di loket", "ambil sendiri", "ambil di kantor", "counter"}
COURIER_PREFIX, COUNTER_PREFIX = "kurir:", "loket:"
ASKS = {
    "delivery_street",
    "delivery_landmark",
    "delivery_payment",
    "delivery_estimate",
    "delivery_confirm",
}
FREE_TEXT_ASKS = {"delivery_street", "delivery_landmark"}
NOT_DELIVERABLE = lifecycle.FINISHED | {
    lifecycle.DRAFT,
    lifecycle.OUT_FOR_DELIVERY,
    lifecycle.DELIVERY_UNCONFIRMED,
}
YES, NO = "ya", "tidak"


def ready_buttons(application: Application) -> list[tuple[str, str, str]]:
    """The ready notice's two buttons on WhatsApp."""
    return [
        (f"{COUNTER_PREFIX}{application.public_id}", _("Ambil di loket"), ""),
        (f"{COURIER_PREFIX}{application.public_id}", _("Kirim kurir"), ""),
    ]


def command(text: str, phrase: str) -> tuple[str, str] | None:
    """("courier"|"counter", public id or "") when the message asks for one, else None."""
    lowered = text.strip().lower()
    for prefix, method in ((COURIER_PREFIX, "courier"), (COUNTER_PREFIX, "counter")):
        if lowered.startswith(prefix):
            return method, lowered[len(prefix) :]
    if phrase in COURIER_WORDS:
        return "courier", ""
    if phrase in COUNTER_WORDS:
        return "counter", ""
    return None


def _card(turn, public_id: str) -> Application | None:
    resident = turn.resident()
    if resident is None:
        return None
    rows = Application.objects.filter(resident=resident, service__code__in=CARD_SERVICES).exclude(
        status__in=NOT_DELIVERABLE
    )
    if public_id:
        rows = rows.filter(public_id__iexact=public_id)  # a UUID column: exact either way
    return rows.select_related("service", "village__district").order_by("-submitted_at").first()


def start(turn, method: str, public_id: str) -> list[Reply]:
    from handover.services import delivery_choose_counter

    try:
        application = _card(turn, public_id)
    except Exception:  # a malformed id typed by hand is simply "not found"
        application = None
    if application is None:
        return [
            Reply(
                _(
                    "Tidak ada KTP-el atau KIA dari nomor HP ini yang bisa dikirim kurir atau "
                    "diambil di loket. Ketik STATUS untuk melihat permohonan Anda."
                )
            )
        ]
    if method == "counter":
        try:
            delivery_choose_counter(application=application)
        except DomainError as error:
            return [Reply("\n".join(error.messages))]
        _forget(turn)
        return [
            Reply(
                _(
                    "Baik, %(service)s permohonan %(number)s Anda ambil di loket. Kode "
                    "pengambilan kami kirim saat kartu siap."
                )
                % {"service": application.service.code, "number": application.registration_number}
            )
        ]
    turn.state["delivery"] = {"app": str(application.public_id)}
    turn.state["ask"] = {"kind": "delivery_street", "options": []}
    place = application.village
    where = f"{place.name}, {_('Kec.')} {place.district.name}" if place else ""
    return [
        Reply(
            _(
                "Kirim kurir untuk %(service)s permohonan %(number)s. Kartu diantar ke %(where)s.\n"
                "Tulis nama jalan, nomor rumah dan RT/RW:"
            )
            % {
                "service": application.service.code,
                "number": application.registration_number,
                "where": where or "-",
            }
        )
    ]


def answer(turn, ask: dict, text: str, picked: str | None) -> list[Reply]:
    kind = ask.get("kind")
    delivery = turn.state.get("delivery") or {}
    application = _card(turn, delivery.get("app", "")) if delivery.get("app") else None
    if application is None:
        _forget(turn)
        return start(turn, "courier", "")
    if kind == "delivery_street":
        street = " ".join(text.split())
        if len(street) < 5:
            return [Reply(_("Alamat terlalu singkat. Tulis nama jalan, nomor rumah dan RT/RW:"))]
        delivery["street"] = street[:200]
        turn.state["ask"] = {"kind": "delivery_landmark", "options": []}
        return [Reply(_("Patokan agar kurir mudah menemukan rumah Anda (ketik - bila tidak ada):"))]
    if kind == "delivery_landmark":
        delivery["landmark"] = "" if text.strip() in {"-", "–"} else " ".join(text.split())[:200]
        return [_payment_question(turn)]
    if kind == "delivery_payment":
        if picked not in ("cash", "cashless"):
            return [_payment_question(turn)]
        return _save_address(turn, application, delivery, picked)
    if kind == "delivery_confirm":
        return _confirm(turn, application, picked)
    return [Reply(_("Kami masih menunggu perkiraan ongkos kirim dari kurir; sebentar lagi."))]


def _payment_question(turn) -> Reply:
    turn.state["ask"] = {"kind": "delivery_payment", "options": ["cash", "cashless"]}
    return choice(
        _(
            "Dokumennya gratis; ongkos kirim dibayar Anda langsung kepada kurir. "
            "Bayar ongkos kirim dengan:"
        ),
        [("cash", _("Tunai"), ""), ("cashless", _("Non-tunai"), "")],
    )


def _save_address(turn, application, delivery: dict, payment: str) -> list[Reply]:
    from handover.services import courier_address_set

    try:
        courier_address_set(
            application=application,
            village_code=application.village.code if application.village else "",
            street=delivery.get("street", ""),
            landmark=delivery.get("landmark", ""),
            phone=turn.conversation.phone,
            payment=payment,
        )
    except DomainError as error:
        turn.state["ask"] = {"kind": "delivery_street", "options": []}
        again = _("Tulis lagi nama jalan, nomor rumah, RT/RW:")
        return [Reply("\n".join([*error.messages, again]))]
    turn.state["ask"] = {"kind": "delivery_estimate", "options": []}
    return [Reply(_("Terima kasih. Kami tanyakan ongkos kirimnya ke kurir; jawabannya segera."))]


def _confirm(turn, application, picked: str | None) -> list[Reply]:
    from handover.services import courier_confirm

    if picked == NO:
        _forget(turn)
        return [Reply(_("Baik, tidak jadi dikirim kurir. Kartu dapat diambil di loket."))]
    if picked != YES:
        return [confirm_question(application, turn.state)]
    try:
        courier_confirm(application=application)
    except DomainError as error:
        _forget(turn)
        return [Reply("\n".join(error.messages))]
    _forget(turn)
    if application.status == lifecycle.READY_FOR_HANDOVER:
        lead = _("Kurir kami pesan sekarang.")
    else:
        lead = _("Kurir kami pesan begitu kartu siap.")
    return [
        Reply(
            lead
            + " "
            + _(
                "Saat kartu diantar, Anda menerima kode serah terima: berikan kepada kurir hanya "
                "setelah kartu ada di tangan Anda."
            )
        )
    ]


def confirm_question(application, state: dict) -> Reply:
    from handover.models import DeliveryChoice

    state["ask"] = {"kind": "delivery_confirm", "options": [YES, NO]}
    picked = DeliveryChoice.objects.filter(application=application).first()
    if picked and picked.estimate_state == DeliveryChoice.ESTIMATE_READY:
        price = f"Rp{picked.estimate_price:,}".replace(",", ".")
        text = _("Perkiraan ongkos kirim: %(price)s (dibayar %(payment)s kepada kurir).") % {
            "price": price,
            "payment": _("tunai") if picked.payment == "cash" else _("non-tunai"),
        }
    else:
        text = _(
            "Kurir belum dapat memberi perkiraan ongkos kirim; kurir menyebutkannya saat menjemput."
        )
    return choice(
        text + "\n" + _("Kirim dengan kurir?"),
        [(YES, _("Ya, kirim"), ""), (NO, _("Tidak"), "")],
    )


def _forget(turn) -> None:
    turn.state.pop("delivery", None)
    if (turn.state.get("ask") or {}).get("kind", "").startswith("delivery_"):
        turn.state.pop("ask", None)


def on_estimate_settled(sender, choice_id: int, **kwargs) -> None:
    """The courier answered (or could not): ask the resident waiting in a chat to confirm."""
    from channels.inbound import queue_reply
    from channels.models import Conversation
    from handover.models import DeliveryChoice

    picked = (
        DeliveryChoice.objects.select_related("application__resident").filter(pk=choice_id).first()
    )
    if picked is None or not picked.application.resident.phone:
        return
    application = picked.application
    with transaction.atomic():
        for conversation in Conversation.objects.select_for_update().filter(
            phone=application.resident.phone
        ):
            state = conversation.state if isinstance(conversation.state, dict) else {}
            waiting = (state.get("ask") or {}).get("kind") == "delivery_estimate"
            for_this = (state.get("delivery") or {}).get("app") == str(application.public_id)
            if not (waiting and for_this):
                continue
            with translation.override(conversation.language or "id"):
                reply = confirm_question(application, state)
                queue_reply(conversation, reply)
            conversation.state = state
            conversation.save(update_fields=["state", "updated_at"])

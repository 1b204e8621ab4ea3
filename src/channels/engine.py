"""One conversation engine for every chat channel (WhatsApp, SMS).

`respond(conversation, inbound)` reads one inbound message and returns the replies; the channel
adapter sends them (buttons and lists on WhatsApp, numbered options on SMS). A turn either
completes or changes nothing: it runs in one transaction with the conversation row locked, and
`conversation.state` (plain JSON) remembers where the resident stands:

    form     the application being put together: service, variant, data, answered keys
    ask      the open question: {"kind": menu|field|village_pick|requirement, "options": [...]}
    app      public id of the application the chat is working on (draft or needing a fix)
    expect   the requirement the bot asked a file for last
    media    a file waiting for the resident to say which requirement it is
    dismissed  drafts the resident cancelled with BATAL (left as drafts, not used again here)
"""

import copy
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from applications import lifecycle
from applications.fields import FIELD_FACTORIES, OPTIONAL_FIELDS
from applications.models import Application
from applications.selectors import checklist, fix_rows, missing_requirements
from applications.services import (
    application_start,
    application_submit,
    application_update_data,
    attachment_put,
)
from applications.verification import application_resubmit, rejected_requirement_ids
from catalogue.models import CARD_SERVICES, Service
from catalogue.selectors import active_services, requirements_for
from channels import complaints, delivery, visits
from channels.formats import (
    FORMATS,
    ParsedRequest,
    best_matches,
    clean_value,
    field_label,
    format_text,
    looks_like_format,
    match_village,
    nik_facts_data,
    parse_message,
    split_place,
    variant_code,
    village_label,
    words,
)
from channels.models import Conversation
from channels.replies import Reply, choice
from loket.errors import DomainError
from population.masking import mask_nik
from population.models import Village
from population.nik import FEMALE, MALE, SEX_LABELS
from workdays.calendar import WorkingCalendar, closing_time

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 4096  # WhatsApp's own limit for a text message; anything longer is not a person
MAX_DISMISSED = 20
LANGUAGES = {"id", "en"}

CANCEL = {"batal", "cancel", "stop", "berhenti", "batalkan"}
BACK = {"kembali", "back", "balik", "sebelumnya", "mundur"}
MENU = {
    "menu", "mulai", "start", "halo", "hallo", "helo", "hai", "hi", "hello", "hey", "p", "ping",
    "assalamualaikum", "selamat pagi", "selamat siang", "selamat sore", "selamat malam",
    "pagi", "siang", "sore", "malam", "permisi", "layanan", "daftar",
}  # fmt: skip
ENGLISH = {"english", "bahasa inggris", "inggris", "in english"}
INDONESIAN = {"indonesia", "bahasa indonesia", "indonesian", "bahasa", "indo"}
HUMAN = {
    "petugas", "cs", "admin", "operator", "bantuan", "help", "tanya petugas", "hubungi petugas",
    "agent", "human", "officer", "staff", "customer service", "pengaduan", "keluhan", "komplain",
}  # fmt: skip
QUESTION_WORDS = {
    "kenapa", "mengapa", "bagaimana", "gimana", "kapan", "berapa", "apakah", "kok", "tolong",
    "keluhan", "komplain", "kecewa", "why", "how", "when",
}  # fmt: skip
THANKS = {
    "terima kasih", "terimakasih", "makasih", "thanks", "thank you", "tq", "trims", "ok", "oke",
    "okay", "baik", "siap", "sip",
}  # fmt: skip
SERVICE_WORDS = {
    "ktp": "KTP", "ktpel": "KTP", "kk": "KK", "kartu keluarga": "KK", "kia": "KIA",
    "kartu anak": "KIA", "akta kelahiran": "AKL", "akte kelahiran": "AKL", "kelahiran": "AKL",
    "akta kematian": "AKM", "kematian": "AKM", "akta perkawinan": "AKW", "perkawinan": "AKW",
    "akta perceraian": "AKC", "perceraian": "AKC", "cerai": "AKC", "pindah": "SKPWNI",
    "skpwni": "SKPWNI", "datang": "SKDWNI", "skdwni": "SKDWNI", "skdwn": "SKDWNI",
}  # fmt: skip
STATUS_COMMAND = re.compile(r"^(?:cek\s+)?status\b[\s:#\-]*(.*)$", re.IGNORECASE | re.DOTALL)
STATUS_OPTION, HUMAN_OPTION = "STATUS", "PETUGAS"
HANDLED_KINDS = {"text", "interactive", "button", "image", "document"}
SILENT_KINDS = {"reaction"}  # a thumbs-up on our message needs no answer


def respond(conversation: Conversation, inbound, *, fetch_media=None, now=None) -> list[Reply]:
    """Answer one inbound message. Never raises for anything the resident sends: a turn that
    fails is rolled back whole, the resident is told an officer will help, and the conversation
    is flagged for one. Only database errors propagate (the caller's transaction is broken).

    `fetch_media(media_id) -> bytes | (bytes, mime)` gets a photo or document; by default the
    current message's file comes from channels.inbound.fetch_media (downloaded before the
    transaction) and an earlier one from channels.whatsapp.client.download_media.
    """
    now = now or timezone.now()
    before = (copy.deepcopy(conversation.state), conversation.language, conversation.needs_human)
    try:
        with transaction.atomic():
            if conversation.pk is None:
                conversation.save()
            locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
            conversation.state = locked.state if isinstance(locked.state, dict) else {}
            conversation.language = locked.language if locked.language in LANGUAGES else "id"
            conversation.needs_human = locked.needs_human
            with translation.override(conversation.language):
                fetch = fetch_media or _default_fetch(inbound)
                replies = Turn(conversation, inbound, fetch, now).run()
            conversation.save(update_fields=["state", "language", "needs_human", "updated_at"])
            return replies
    except DatabaseError:
        conversation.state, conversation.language, conversation.needs_human = before
        raise
    except Exception:
        conversation.state, conversation.language, conversation.needs_human = before
        logger.exception("conversation %s: turn failed, handed to an officer", conversation.pk)
        return _failed_turn(conversation, now)


def _default_fetch(inbound):
    def fetch(media_id: str):
        if media_id == inbound.media_id:
            from channels.inbound import fetch_media  # prefetched outside the transaction

            return fetch_media(inbound)
        from channels.whatsapp.client import download_media  # a file the resident sent earlier

        return download_media(media_id)

    return fetch


def _failed_turn(conversation: Conversation, now) -> list[Reply]:
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(needs_human=True)
    conversation.needs_human = True
    with translation.override(conversation.language or "id"):
        return [
            Reply(
                _("Maaf, pesan Anda belum dapat kami proses. Pesan Anda kami teruskan ke petugas.")
                + " "
                + officer_eta(now)
            )
        ]


def officer_eta(now) -> str:
    """When an officer will answer: today before closing, or the next working day."""
    local = timezone.localtime(now)
    today = local.date()
    calendar = WorkingCalendar(today, today + timedelta(days=45))
    closing = closing_time()
    opening = getattr(settings, "OFFICE_OPENING_TIME", "08:00").replace(":", ".")
    if calendar.is_working_day(today) and local.time() < closing:
        return _("Petugas akan menjawab hari ini sebelum pukul %(time)s.") % {
            "time": f"{closing:%H.%M}"
        }
    return _(
        "Petugas akan menjawab pada hari kerja berikutnya, %(date)s, "
        "antara pukul %(open)s dan %(close)s."
    ) % {
        "date": long_date(calendar.next_working_day(today)),
        "open": opening,
        "close": f"{closing:%H.%M}",
    }


def long_date(day) -> str:
    """A date as residents read it: "Senin, 30 Maret 2026" ("Monday, 30 March 2026")."""
    return formats.date_format(day, "l, j F Y")


def interactive_id(payload) -> str | None:
    """The id of the button or list row the resident tapped, wherever the payload keeps it."""
    stack, seen = [payload], 0
    while stack and seen < 50:
        node = stack.pop(0)
        seen += 1
        if not isinstance(node, dict):
            continue
        for key in ("button_reply", "list_reply"):
            if isinstance(node.get(key), dict) and node[key].get("id"):
                return str(node[key]["id"])
        if isinstance(node.get("button"), dict) and node["button"].get("payload"):
            return str(node["button"]["payload"])
        for value in node.values():
            if isinstance(value, dict):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(value)
    return None


def _phrase(text: str) -> str:
    return " ".join(words(text))


class Turn:
    """One inbound message and what it changes."""

    def __init__(self, conversation: Conversation, inbound, fetch_media, now):
        self.conversation = conversation
        self.state = copy.deepcopy(conversation.state)
        self.inbound = inbound
        self.fetch_media = fetch_media
        self.now = now
        self._resident = None

    # --- dispatch --------------------------------------------------------------------------

    def run(self) -> list[Reply]:
        replies = self.dispatch()
        self.conversation.state = self.state
        return replies

    def dispatch(self) -> list[Reply]:
        kind = (self.inbound.kind or "").lower()
        if kind in SILENT_KINDS:
            return []
        if kind in ("image", "document"):
            return self.on_media()
        if kind not in HANDLED_KINDS:
            return self.to_human(_("Pesan jenis ini belum dapat kami baca otomatis."))
        text = self.input_text()
        if len(text) > MAX_TEXT_CHARS:
            return [
                Reply(
                    _(
                        "Pesan Anda terlalu panjang untuk kami baca (maksimal %(max)d huruf). "
                        "Kirim pesan yang lebih singkat, atau ketik MENU."
                    )
                    % {"max": MAX_TEXT_CHARS}
                )
            ]
        return self.on_text(text.strip())

    def input_text(self) -> str:
        if (self.inbound.kind or "").lower() in ("interactive", "button"):
            picked = interactive_id(self.inbound.payload or {})
            if picked:
                return picked
        return str(self.inbound.text or "")

    def on_text(self, text: str) -> list[Reply]:
        phrase = _phrase(text)
        if not phrase and not text:
            return [Reply(_("Pesan Anda kosong.")), self.repeat_ask()]
        if phrase in ENGLISH:
            return self.switch_language("en")
        if phrase in INDONESIAN:
            return self.switch_language("id")
        if phrase in CANCEL:
            return self.cancel()
        if phrase in BACK:
            return self.go_back()
        ask = self.state.get("ask")
        if isinstance(ask, dict) and self.pick_option(ask, text):
            return self.on_answer(ask, text)  # "P" is an answer here, not a greeting
        complaint = complaints.command(text)
        if complaint:
            return complaints.start(self, complaint)
        if visits.command(phrase):
            return visits.start(self)
        wants_delivery = delivery.command(text, phrase)
        if wants_delivery:
            return delivery.start(self, *wants_delivery)
        if phrase in MENU:
            return [self.menu()]
        if phrase in HUMAN:
            return self.to_human()
        status = STATUS_COMMAND.match(text)
        if status:
            return self.on_status(status.group(1))
        answering = isinstance(ask, dict) and (
            ask.get("kind") in ("field", "visit_nik") or ask.get("kind") in delivery.FREE_TEXT_ASKS
        )
        if looks_like_format(text, loose=not answering):  # "Blok#5" is an address here
            return self.on_format(text)
        if isinstance(ask, dict):
            return self.on_answer(ask, text)
        return self.on_free_text(text, phrase)

    def on_free_text(self, text: str, phrase: str) -> list[Reply]:
        tokens = phrase.split()
        asks = "?" in text or bool(QUESTION_WORDS & set(tokens))
        service = self.service_named(phrase)
        if service and not asks:
            return self.start_form(service, phrase)  # "mau buat KTP baru untuk anak saya"
        if asks or len(tokens) >= 6:
            return self.to_human()
        if phrase in THANKS:
            return [Reply(_("Sama-sama. Ketik MENU bila memerlukan layanan lain."))]
        return [self.menu(lead=_("Maaf, kami belum mengerti pesan Anda.") if phrase else "")]

    def service_named(self, phrase: str) -> Service | None:
        found = {code for name, code in SERVICE_WORDS.items() if f" {name} " in f" {phrase} "}
        if len(found) != 1:
            return None
        return active_services().filter(code=found.pop()).first()

    # --- languages, cancelling, going back, officers ----------------------------------------

    def switch_language(self, language: str) -> list[Reply]:
        self.conversation.language = language
        translation.activate(language)
        resident = self.resident()
        if resident and resident.preferred_language != language:
            resident.preferred_language = language
            resident.save(update_fields=["preferred_language"])
        # Said in the language chosen, whatever the translations hold.
        if language == "en":
            said = "OK, we will continue in English. (Ketik INDONESIA untuk Bahasa Indonesia.)"
        else:
            said = "Baik, kita lanjutkan dalam Bahasa Indonesia. (Type ENGLISH for English.)"
        return [Reply(said), self.repeat_ask()]

    def cancel(self) -> list[Reply]:
        had_form = bool(self.state.get("form"))
        draft = self.current_draft()
        for key in ("form", "ask", "media", "expect", "app", "delivery", "complaint", "visit"):
            self.state.pop(key, None)
        if draft is not None:
            dismissed = [*self.state.get("dismissed", []), str(draft.public_id)]
            self.state["dismissed"] = dismissed[-MAX_DISMISSED:]
            text = _(
                "Dibatalkan. Draf permohonan %(service)s belum diajukan dan tidak kami proses. "
                "Permohonan yang sudah diajukan tetap berjalan."
            ) % {"service": draft.service.code}
        elif had_form:
            text = _("Dibatalkan. Tidak ada permohonan yang dibuat.")
        else:
            text = _("Tidak ada yang sedang berjalan untuk dibatalkan.")
        return [Reply(text + " " + _("Ketik MENU untuk mulai lagi."))]

    def current_draft(self) -> Application | None:
        public_id = self.state.get("app")
        resident = self.resident()
        if not public_id or resident is None:
            return None
        try:
            return Application.objects.filter(
                resident=resident, public_id=public_id, status=lifecycle.DRAFT
            ).first()
        except ValidationError:
            return None

    def go_back(self) -> list[Reply]:
        ask = self.state.get("ask") or {}
        if ask.get("kind") == "requirement":
            self.state.pop("ask", None)
            self.state.pop("media", None)
            return [Reply(_("Baik, berkas tadi tidak disimpan. Kirim ulang berkasnya."))]
        form = self.state.get("form")
        if not isinstance(form, dict):
            return [Reply(_("Tidak ada langkah sebelumnya.")), self.menu()]
        if ask.get("kind") == "village_pick":
            return self.advance(force="village")
        history = form.get("history", [])
        if not history:
            self.state.pop("form", None)
            return [self.menu()]
        key = history.pop()
        if key == "variant":
            form["variant"] = None
        else:
            form["data"].pop(key, None)
            for derived in form.get("derived", []) if key == "nik" else []:
                form["data"].pop(derived, None)
        return self.advance()

    def to_human(self, lead: str = "") -> list[Reply]:
        already = self.conversation.needs_human
        self.conversation.needs_human = True
        told = (
            _("Pesan Anda sudah kami teruskan ke petugas.")
            if already
            else _("Pesan Anda kami teruskan ke petugas.")
        )
        parts = [lead, told, officer_eta(self.now), _("Ketik MENU untuk layanan otomatis.")]
        return [Reply(" ".join(p for p in parts if p))]

    # --- the menu and questions -------------------------------------------------------------

    def menu(self, lead: str = "") -> Reply:
        services = list(active_services())[:9]
        options = [(s.code, s.code, s.t.name) for s in services]
        options.append((STATUS_OPTION, _("Cek status"), _("Status permohonan Anda")))
        self.state["ask"] = {"kind": "menu", "options": [o[0] for o in options]}
        self.state.pop("media", None)
        hint = _("Sudah tahu formatnya? Kirim langsung, misalnya %(example)s") % {
            "example": format_text(FORMATS["KIA"], None)
        }
        other = (
            "Ketik INDONESIA untuk Bahasa Indonesia."
            if translation.get_language() == "en"
            else "Type ENGLISH for English."
        )
        text = "\n".join(
            p
            for p in (
                lead,
                _("Selamat datang di layanan %(office)s. Pilih layanan:")
                % {"office": settings.OFFICE_NAME},
                hint,
                _("Ketik PETUGAS untuk bertanya kepada petugas.") + " " + other,
            )
            if p
        )
        return choice(text, options, list_label=_("Pilih layanan"))

    def repeat_ask(self) -> Reply:
        ask = self.state.get("ask") or {}
        form = self.state.get("form")
        if ask.get("kind") == "village_pick":
            return self.village_question(ask.get("options", []), ask.get("value", ""))
        if ask.get("kind") == "requirement":
            application = self.open_application()
            if application is not None:
                return self.requirement_question(application, _requirement_ids(ask))
        if isinstance(form, dict):
            replies = self.advance()
            return replies[-1]
        return self.reminder() or self.menu()

    def reminder(self) -> Reply | None:
        """The file the chat's application still waits for, if any."""
        application = self.open_application() if self.state.get("app") else None
        remaining = self.candidates(application) if application else []
        if not remaining:
            return None
        self.state["expect"] = remaining[0].id
        waiting = _("Permohonan %(service)s masih menunggu berkas.") % {
            "service": application.service.t.name
        }
        return Reply(f"{waiting}\n{self.send_now(remaining[0])}")

    def on_answer(self, ask: dict, text: str) -> list[Reply]:
        picked = self.pick_option(ask, text)
        kind = ask.get("kind")
        if kind in delivery.ASKS:
            return delivery.answer(self, ask, text, picked)
        if kind == "complaint_category":
            return complaints.answer(self, picked)
        if kind in visits.ASKS:
            return visits.answer(self, ask, text, picked)
        if kind == "menu":
            return self.on_menu_choice(picked, text)
        if kind == "requirement":
            return self.on_requirement_choice(picked, text)
        if kind == "village_pick" and picked:
            return self.store_answer("village", picked)
        if kind in ("field", "village_pick") and isinstance(self.state.get("form"), dict):
            key = "village" if kind == "village_pick" else ask.get("key", "")
            return self.on_field_answer(key, text, picked)
        self.state.pop("ask", None)
        return self.on_free_text(text, _phrase(text))

    @staticmethod
    def pick_option(ask: dict, text: str) -> str | None:
        options = [str(o) for o in ask.get("options", [])]
        answer = text.strip().rstrip(".)")
        if answer.isascii() and answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1]
        for option in options:
            if option.lower() == text.strip().lower():
                return option
        return None

    def on_menu_choice(self, picked: str | None, text: str) -> list[Reply]:
        if picked == STATUS_OPTION:
            return self.on_status("")
        if picked == HUMAN_OPTION:
            return self.to_human()
        service = active_services().filter(code=picked).first() if picked else None
        service = service or self.service_named(_phrase(text))
        if service is not None:
            return self.start_form(service, "" if picked else _phrase(text))
        self.state.pop("ask", None)
        return self.on_free_text(text, _phrase(text))

    # --- collecting data --------------------------------------------------------------------

    def start_form(self, service: Service, phrase: str = "") -> list[Reply]:
        """Begin the questions for `service`; "ktp hilang" already answers the variant."""
        named = {variant_code(service, word) for word in phrase.split()} - {None}
        self.state["form"] = {
            "service": service.code,
            "variant": named.pop() if len(named) == 1 else None,
            "data": {},
            "history": [],
            "derived": [],
            "source": "guided",
        }
        return self.advance()

    def form_service(self) -> Service:
        return Service.objects.prefetch_related("variants").get(code=self.state["form"]["service"])

    @staticmethod
    def steps(service: Service, form: dict) -> list[str]:
        derived = {"sex", "birth_date"} if "nik" in service.form_fields else set()
        keys = ["variant"] if service.variants.all() else []
        # Optional fields (an akta kematian's surviving spouse) are not asked in the chat.
        keys += [k for k in service.form_fields if k not in derived and k not in OPTIONAL_FIELDS]
        if form.get("source") == "format":
            keys = [k for k in keys if k in ("variant", "village")]
        return keys

    @staticmethod
    def answered(form: dict, key: str) -> bool:
        return bool(form.get("variant")) if key == "variant" else key in form.get("data", {})

    def advance(self, force: str | None = None) -> list[Reply]:
        """Ask the next unanswered question, or create the draft when all are answered."""
        form = self.state["form"]
        service = self.form_service()
        steps = self.steps(service, form)
        pending = [k for k in steps if not self.answered(form, k)]
        key = force or (pending[0] if pending else None)
        if key is None:
            return self.create_draft(service, form)
        self.state["ask"] = {"kind": "field", "key": key, "options": []}
        number = steps.index(key) + 1 if key in steps else 1
        return [self.field_question(service, key, number, len(steps))]

    def field_question(self, service: Service, key: str, number: int, total: int) -> Reply:
        progress = _("%(service)s - langkah %(step)d dari %(total)d.") % {
            "service": service.code,
            "step": number,
            "total": total,
        }
        footer = _("Balas KEMBALI untuk langkah sebelumnya, BATAL untuk berhenti.")
        if key == "variant":
            options = [(v.code, v.t.name, "") for v in service.variants.all()]
            self.state["ask"]["options"] = [o[0] for o in options]
            question = _("Pilih jenis permohonan %(service)s:") % {"service": service.t.name}
            return choice(f"{progress}\n{question}\n{footer}", options, _("Pilih jenis"))
        if key == "sex":
            options = [(MALE, str(SEX_LABELS[MALE]).capitalize(), "")]
            options.append((FEMALE, str(SEX_LABELS[FEMALE]).capitalize(), ""))
            self.state["ask"]["options"] = [MALE, FEMALE]
            question = _("Jenis kelamin:")
            return choice(f"{progress}\n{question}\n{footer}", options)
        label = field_label(key)
        help_texts = {
            "birth_date": _("Tulis seperti 17-08-1990."),
            "event_date": _("Tulis seperti 17-08-2025."),
            "village": self.village_example(),
        }
        hint = help_texts.get(key) or str(getattr(FIELD_FACTORIES[key](), "help_text", "") or "")
        question = "" if key == "village" else _("Tulis %(label)s.") % {"label": label}
        return Reply("\n".join(p for p in (progress, question, hint, footer) if p))

    @staticmethod
    def village_example() -> str:
        sample = (
            Village.objects.filter(district__regency_id=settings.OFFICE_REGENCY_CODE)
            .select_related("district")
            .order_by("district__name", "name")
            .first()
        )
        if sample is None:
            return _("Tulis nama desa/kelurahan dan kecamatannya.")
        return _("Tulis nama desa/kelurahan dan kecamatannya, misalnya: %(example)s.") % {
            "example": f"{sample.name}, {sample.district.name}"
        }

    def village_question(self, codes: list[str], typed: str) -> Reply:
        villages = {
            v.code: v for v in Village.objects.filter(code__in=codes).select_related("district")
        }
        found = [villages[c] for c in codes if c in villages]
        distinct = len({v.name for v in found}) == len(found)  # else the kecamatan tells apart
        options = [(v.code, v.name, "" if distinct else village_label(v)) for v in found]
        self.state["ask"] = {"kind": "village_pick", "options": [o[0] for o in options]}
        self.state["ask"]["value"] = typed[:60]
        listed = "; ".join(f"{i}) {village_label(v)}" for i, v in enumerate(found, 1))
        text = _(
            'Desa/kelurahan "%(value)s" cocok dengan lebih dari satu tempat: %(candidates)s. '
            "Pilih yang benar, atau tulis ulang nama desa dan kecamatannya."
        ) % {"value": typed[:60], "candidates": listed}
        return choice(text, options, _("Pilih desa"))

    def on_field_answer(self, key: str, text: str, picked: str | None) -> list[Reply]:
        form = self.state["form"]
        service = self.form_service()
        if key == "variant":
            code = picked or variant_code(service, text)
            if code is None:
                return self.ask_again(_("Pilihan tidak dikenal."), key)
            return self.store_answer("variant", code)
        if key == "village":
            desa, kecamatan = split_place(text)
            place = match_village(desa, kecamatan)
            if place.village is not None:
                return self.store_answer("village", place.village.code)
            if place.candidates:
                return [self.village_question([v.code for v in place.candidates], desa)]
            return self.ask_again(" ".join(p.message for p in place.problems), key)
        value, problems = (picked, []) if key == "sex" and picked else clean_value(key, text)
        if problems:
            return self.ask_again(" ".join(p.message for p in problems), key)
        if key == "nik":
            derived = nik_facts_data(service, value)
            form["data"].update(derived)
            form["derived"] = list(derived)
        return self.store_answer(key, value)

    def ask_again(self, message: str, key: str) -> list[Reply]:
        replies = self.advance(force=key)
        hint = _("Ketik PETUGAS bila ingin bertanya kepada petugas.")
        return [Reply(f"{message}\n{hint}"), *replies]

    def store_answer(self, key: str, value: str) -> list[Reply]:
        form = self.state["form"]
        if key == "variant":
            form["variant"] = value
        else:
            form["data"][key] = value
        if form.get("source") != "format":
            form.setdefault("history", []).append(key)
        self.state.pop("ask", None)
        return self.advance()

    # --- seed formats -----------------------------------------------------------------------

    def on_format(self, text: str) -> list[Reply]:
        parsed = parse_message(text)
        if not isinstance(parsed, ParsedRequest):
            lead = _("Pesan format belum dapat kami proses:")
            lines = [lead, *(f"- {p.message}" for p in parsed)]
            lines.append(_("Perbaiki lalu kirim ulang, atau ketik MENU untuk dipandu."))
            return [Reply("\n".join(lines))]
        self.state.pop("ask", None)
        self.state.pop("media", None)
        self.state["form"] = {
            "service": parsed.service,
            "variant": parsed.variant,
            "data": dict(parsed.data),
            "history": [],
            "derived": list(parsed.derived),
            "source": "format",
        }
        if parsed.village_choices:
            typed = str(parsed.ask.params.get("value", "")) if parsed.ask else ""
            return [self.village_question([c for c, _label in parsed.village_choices], typed)]
        return self.advance()

    # --- drafts -----------------------------------------------------------------------------

    def resident(self, create: bool = False) -> User | None:
        if self._resident is None:
            phone = self.conversation.phone
            self._resident = (
                User.objects.filter(phone=phone).first()
                or User.objects.filter(username=phone, phone__isnull=True).first()
            )
            if self._resident is not None and not self._resident.phone:
                self._resident.phone = phone
                self._resident.save(update_fields=["phone"])
        if self._resident is None and create:
            user = User(
                username=self.conversation.phone,
                phone=self.conversation.phone,
                preferred_language=self.conversation.language,
            )
            user.set_unusable_password()
            user.save()
            self._resident = user
        return self._resident

    def create_draft(self, service: Service, form: dict) -> list[Reply]:
        variant = next((v for v in service.variants.all() if v.code == form.get("variant")), None)
        data = dict(form.get("data", {}))
        resident = self.resident(create=True)
        same = self.same_draft(resident, service, data)
        if same is not None:
            application = application_update_data(
                application=same, variant=variant, data={**same.data, **data}
            )
        else:
            application = application_start(
                resident=resident,
                service=service,
                variant=variant,
                data=data,
                channel=self.conversation.channel,
            )
        for key in ("form", "ask", "media"):
            self.state.pop(key, None)
        self.state["app"] = str(application.public_id)
        missing = missing_requirements(application)
        if not missing:
            return self.submit(application, lead="")
        self.state["expect"] = missing[0].id
        return [self.confirmation(application, missing)]

    @staticmethod
    def same_draft(resident, service: Service, data: dict) -> Application | None:
        """A draft of the same service for the same person: sending the format twice updates
        it instead of starting a second one."""
        key = next((k for k in ("nik", "no_kk", "skpwni_number") if data.get(k)), None)
        if key is None:
            return None
        for draft in Application.objects.filter(
            resident=resident, service=service, status=lifecycle.DRAFT
        ).order_by("-created_at"):
            if draft.data.get(key) == data[key]:
                return draft
        return None

    def confirmation(self, application: Application, missing) -> Reply:
        service, variant, data = application.service, application.variant, application.data
        lines = [_("Permohonan %(service)s tercatat (draf).") % {"service": service.t.name}]
        if variant:
            lines.append(_("Jenis: %(variant)s") % {"variant": variant.t.name})
        if data.get("name"):
            lines.append(_("Nama: %(name)s") % {"name": data["name"]})
        if data.get("nik"):
            lines.append(_("NIK: %(nik)s") % {"nik": mask_nik(data["nik"])})
        if application.village_id:
            village = Village.objects.select_related("district").get(pk=application.village_id)
            lines.append(_("Desa/kelurahan: %(place)s") % {"place": village_label(village)})
        if variant and variant.in_person_required and variant.t.in_person_reason:
            lines.append(_("Perlu datang: %(reason)s") % {"reason": variant.t.in_person_reason})
        lines += ["", _("Persyaratan:")]
        lines += self.checklist_lines(application)
        lines += ["", self.send_now(missing[0])]
        return Reply("\n".join(lines))

    @staticmethod
    def checklist_lines(application: Application) -> list[str]:
        lines = []
        for number, row in enumerate(checklist(application), 1):
            if row.attachment is not None:
                state = _("sudah ada")
            elif row.required:
                state = _("belum ada")
            else:
                state = _("tidak wajib")
            lines.append(f"{number}. {row.requirement.t.name}: {state}")
        return lines

    @staticmethod
    def send_now(requirement) -> str:
        text = _(
            "Kirim sekarang foto atau PDF: %(name)s. Satu berkas per pesan; "
            "berkas berikutnya kami minta setelahnya."
        ) % {"name": requirement.t.name}
        helper = requirement.t.help
        return f"{text}\n{helper}" if helper else text

    # --- files ------------------------------------------------------------------------------

    def open_application(self) -> Application | None:
        resident = self.resident()
        if resident is None:
            return None
        open_ones = Application.objects.filter(
            resident=resident, status__in=[lifecycle.DRAFT, lifecycle.NEEDS_FIX]
        ).select_related("service", "variant")
        public_id = self.state.get("app")
        if public_id:
            try:
                found = open_ones.filter(public_id=public_id).first()
            except ValidationError:
                found = None
            if found is not None:
                return found
        fix = open_ones.filter(status=lifecycle.NEEDS_FIX).order_by("-status_changed_at").first()
        if fix is not None:
            return fix
        return (
            open_ones.filter(status=lifecycle.DRAFT)
            .exclude(public_id__in=self.state.get("dismissed", []))
            .order_by("-created_at")
            .first()
        )

    def candidates(self, application: Application) -> list:
        """The requirements a file is wanted for: missing ones on a draft, rejected ones after a
        fix request, in the service's order."""
        if application.status == lifecycle.NEEDS_FIX:
            rejected = rejected_requirement_ids(application)
            return [
                r
                for r in requirements_for(application.service, application.variant)
                if r.id in rejected
            ]
        return missing_requirements(application)

    def on_media(self) -> list[Reply]:
        if isinstance(self.state.get("form"), dict):
            lead = Reply(_("Berkas dapat dikirim setelah data permohonan lengkap."))
            return [lead, self.repeat_ask()]
        application = self.open_application()
        if application is None:
            return [
                Reply(
                    _(
                        "Belum ada permohonan yang menunggu berkas dari nomor ini. "
                        "Mulai dulu permohonannya: ketik MENU."
                    )
                )
            ]
        if not self.inbound.media_id:
            return [Reply(_("Berkas tidak terbaca. Kirim ulang foto atau PDF-nya."))]
        media = {
            "id": self.inbound.media_id,
            "mime": self.inbound.media_mime or "",
            "kind": self.inbound.kind,
        }
        candidates = self.candidates(application)
        if not candidates:
            return self.finish(application, lead="")
        requirement = self.requirement_for_media(application, candidates)
        if requirement is None:
            self.state["media"] = media
            self.state["app"] = str(application.public_id)
            return [self.requirement_question(application, [r.id for r in candidates])]
        return self.attach(application, requirement, media)

    def requirement_for_media(self, application: Application, candidates: list):
        caption = "".join(words(self.inbound.text or ""))
        allowed = (
            candidates
            if application.status == lifecycle.NEEDS_FIX
            else requirements_for(application.service, application.variant)
        )
        named = _requirements_named(caption, allowed) if caption else []
        if len(named) == 1:
            return named[0]
        pool = named or candidates
        if len(pool) == 1:
            return pool[0]
        expected = self.state.get("expect")
        return next((r for r in pool if r.id == expected), None)

    def requirement_question(self, application: Application, ids: list) -> Reply:
        by_id = {r.id: r for r in requirements_for(application.service, application.variant)}
        options = [(f"req:{i}", by_id[i].t.name, "") for i in ids if i in by_id] or [
            (f"req:{r.id}", r.t.name, "") for r in by_id.values()
        ]
        self.state["ask"] = {"kind": "requirement", "options": [o[0] for o in options]}
        text = _(
            "Berkas ini untuk persyaratan yang mana? (permohonan %(service)s)\n"
            "Balas KEMBALI bila berkas ini tidak jadi dikirim."
        ) % {"service": application.service.code}
        return choice(text, options, _("Pilih berkas"))

    def on_requirement_choice(self, picked: str | None, text: str) -> list[Reply]:
        application = self.open_application()
        media = self.state.get("media")
        if application is None or not isinstance(media, dict):
            self.state.pop("ask", None)
            self.state.pop("media", None)
            return [Reply(_("Kirim ulang berkasnya."))]
        allowed = self.candidates(application) or requirements_for(
            application.service, application.variant
        )
        requirement = None
        if picked and picked.startswith("req:"):
            requirement = next((r for r in allowed if f"req:{r.id}" == picked), None)
        if requirement is None:
            named = _requirements_named("".join(words(text)), allowed)
            requirement = named[0] if len(named) == 1 else None
        if requirement is None:
            message = Reply(_("Pilihan tidak dikenal."))
            ids = _requirement_ids(self.state.get("ask") or {})
            return [message, self.requirement_question(application, ids)]
        self.state.pop("ask", None)
        self.state.pop("media", None)
        return self.attach(application, requirement, media)

    def download(self, media: dict) -> tuple[bytes, str]:
        result = self.fetch_media(media["id"])
        mime = media.get("mime", "")
        if isinstance(result, tuple):
            content, mime = result[0], (result[1] if len(result) > 1 and result[1] else mime)
        elif hasattr(result, "content"):
            content = result.content
            mime = getattr(result, "mime_type", None) or getattr(result, "content_type", mime)
        else:
            content = result
        if not isinstance(content, bytes | bytearray):
            raise TypeError("fetch_media must return bytes")
        return bytes(content), mime or "application/octet-stream"

    def attach(self, application: Application, requirement, media: dict) -> list[Reply]:
        self.state["app"] = str(application.public_id)
        try:
            content, mime = self.download(media)
        except DatabaseError:
            raise
        except Exception as error:
            logger.warning("media could not be fetched: %s", error.__class__.__name__)
            self.state["expect"] = requirement.id
            return [
                Reply(
                    _(
                        "Berkas tidak dapat kami terima. Pastikan ukurannya tidak lebih dari "
                        "%(max)s, lalu kirim ulang foto atau PDF-nya."
                    )
                    % {"max": filesizeformat(settings.UPLOAD_MAX_BYTES)}
                )
            ]
        extension = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
        name = f"{requirement.code}.{extension.get(mime, 'bin')}"
        upload = SimpleUploadedFile(name, content, content_type=mime)
        try:
            attachment_put(application=application, requirement=requirement, upload=upload)
        except DomainError as error:
            self.state["expect"] = requirement.id
            problems = " ".join(error.messages)
            return [
                Reply(
                    f"{requirement.t.name}: {problems}\n"
                    + _("Kirim ulang berkas yang benar untuk %(name)s.")
                    % {"name": requirement.t.name}
                )
            ]
        saved = _("%(name)s tersimpan.") % {"name": requirement.t.name}
        return self.finish(application, lead=saved)

    def finish(self, application: Application, lead: str) -> list[Reply]:
        """After a file: ask for the next one, or submit / resubmit when nothing is left."""
        remaining = self.candidates(application)
        if remaining:
            self.state["expect"] = remaining[0].id
            names = "; ".join(r.t.name for r in remaining)
            text = "\n".join(
                p
                for p in (
                    lead,
                    _("Masih kurang: %(names)s.") % {"names": names},
                    self.send_now(remaining[0]),
                )
                if p
            )
            return [Reply(text)]
        if application.status == lifecycle.NEEDS_FIX:
            return self.resubmit(application, lead)
        return self.submit(application, lead)

    def submit(self, application: Application, lead: str) -> list[Reply]:
        try:
            application = application_submit(  # the reply below is the resident's notice
                application=application, acting_user=self.resident(), now=self.now, notify=False
            )
        except DomainError as error:
            return [Reply("\n".join(p for p in (lead, *error.messages) if p))]
        self.forget(application)
        text = _(
            "Berkas lengkap. Permohonan %(service)s Anda sudah diajukan.\n"
            "Nomor registrasi: %(number)s\n"
            "Perkiraan selesai: %(date)s\n"
            "Cek status kapan saja: ketik STATUS %(number)s"
        ) % {
            "service": application.service.t.name,
            "number": application.registration_number,
            "date": long_date(application.promise_date),
        }
        if application.service.code in CARD_SERVICES:
            text += "\n" + _(
                "Kartu bisa diantar kurir ke rumah (ongkos kirim dibayar Anda): ketik KURIR. "
                "Tanpa itu, kartu diambil di loket."
            )
        return [Reply(f"{lead}\n{text}" if lead else text)]

    def resubmit(self, application: Application, lead: str) -> list[Reply]:
        try:
            application = application_resubmit(  # the reply below is the resident's notice
                application=application, acting_user=self.resident(), now=self.now, notify=False
            )
        except DomainError as error:
            return [Reply("\n".join(p for p in (lead, *error.messages) if p))]
        self.forget(application)
        text = _(
            "Perbaikan permohonan %(number)s kami terima dan akan diperiksa kembali.\n"
            "Perkiraan selesai baru: %(date)s"
        ) % {
            "number": application.registration_number,
            "date": long_date(application.promise_date),
        }
        return [Reply(f"{lead}\n{text}" if lead else text)]

    def forget(self, application: Application) -> None:
        if self.state.get("app") == str(application.public_id):
            self.state.pop("app", None)
        self.state.pop("expect", None)

    # --- status -----------------------------------------------------------------------------

    def on_status(self, raw_number: str) -> list[Reply]:
        number = "".join(str(raw_number).split()).upper()[:40]
        mine = Application.objects.filter(resident__phone=self.conversation.phone).exclude(
            status=lifecycle.DRAFT
        )
        self.state.pop("ask", None)
        if not number:
            return [self.status_list(mine)]
        application = mine.select_related("service").filter(registration_number=number).first()
        if application is None:
            return [
                Reply(
                    _(
                        "Permohonan dengan nomor %(number)s tidak ditemukan untuk nomor HP ini. "
                        "Periksa lagi nomor registrasinya."
                    )
                    % {"number": number}
                )
            ]
        return [self.status_reply(application)]

    def status_list(self, mine) -> Reply:
        recent = list(mine.select_related("service").order_by("-submitted_at")[:5])
        if not recent:
            return Reply(
                _("Belum ada permohonan yang diajukan dari nomor HP ini. Ketik MENU untuk mulai.")
            )
        lines = [_("Permohonan Anda:")]
        for application in recent:
            lines.append(
                f"- {application.registration_number} ({application.service.code}): "
                f"{lifecycle.label(application.status)}"
            )
        lines.append(_("Ketik STATUS dan nomornya untuk rinciannya."))
        return Reply("\n".join(lines))

    def status_reply(self, application: Application) -> Reply:
        lines = [
            _("Permohonan %(number)s (%(service)s): %(status)s.")
            % {
                "number": application.registration_number,
                "service": application.service.t.name,
                "status": lifecycle.label(application.status),
            }
        ]
        if application.status == lifecycle.NEEDS_FIX:
            lines.append(_("Waktu tunggu dihentikan sampai Anda mengirim perbaikan."))
            open_rows = [row for row in fix_rows(application) if not row.replaced]
            for row in open_rows:
                note = f" ({row.note})" if row.note else ""
                lines.append(f"- {row.requirement.t.name}: {row.reason}{note}")
            if open_rows:
                self.state["app"] = str(application.public_id)
                self.state["expect"] = open_rows[0].requirement.id
                lines.append(_("Kirim foto atau PDF penggantinya di sini."))
        elif application.promise_date and application.status not in lifecycle.FINISHED:
            lines.append(
                _("Perkiraan selesai: %(date)s.") % {"date": long_date(application.promise_date)}
            )
        return Reply("\n".join(lines))


def _requirement_ids(ask: dict) -> list[int]:
    return [
        int(o[4:]) for o in map(str, ask.get("options", [])) if o[4:].isascii() and o[4:].isdigit()
    ]


def _requirements_named(caption: str, requirements: list) -> list:
    """Requirements a caption names ("ktp ibu", "akta", "KK"), by code or name."""
    if not caption:
        return []
    items = []
    for requirement in requirements:
        for name in (requirement.code, requirement.name_id, requirement.name_en):
            key = "".join(words(name))
            if key:
                items.append((key, requirement))
    found = best_matches(caption, items)
    unique = []
    for requirement in found:
        if requirement not in unique:
            unique.append(requirement)
    return unique

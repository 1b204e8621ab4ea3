"""The conversation engine: seed formats, photos to requirements, automatic submission, fix
requests, status only for the applying phone, the guided menu with KEMBALI/BATAL, English, an
officer for everything else — and a clear answer, never a crash, for anything sent."""

import itertools
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from applications import lifecycle
from applications.models import Application
from applications.services import application_start
from applications.verification import Decision, verification_claim, verification_decide
from catalogue.models import Service
from channels.engine import long_date, respond
from channels.models import Conversation, InboundMessage
from channels.replies import Reply
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK, jpeg_bytes, make_officer

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"
OTHER_PHONE = "+6281299998888"
CHILD_2023_NIK = "6471051503230003"  # Balikpapan Selatan, male, born 15 March 2023
KIA_FORMAT = f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi Santoso#sepingan#Balikpapan Selatan"
OFFICE = ZoneInfo("Asia/Makassar")
_ids = itertools.count(1)


class FakeMedia:
    """Plays the WhatsApp media download: media id → bytes, remembering what was asked."""

    def __init__(self, content: bytes | None = None):
        self.content = content if content is not None else jpeg_bytes()
        self.asked: list[str] = []

    def __call__(self, media_id: str):
        self.asked.append(media_id)
        return self.content, "image/jpeg"


def conversation(phone=PHONE, channel=Conversation.WHATSAPP) -> Conversation:
    found, _created = Conversation.objects.get_or_create(channel=channel, phone=phone)
    return found


def message(chat: Conversation, text="", kind="text", **fields) -> InboundMessage:
    return InboundMessage(
        conversation=chat,
        provider_id=f"wamid.{next(_ids)}",
        kind=kind,
        text=text,
        sent_at=timezone.now(),
        **fields,
    )


def say(chat, text="", kind="text", media=None, now=None, **fields) -> list[Reply]:
    replies = respond(chat, message(chat, text, kind, **fields), fetch_media=media, now=now)
    chat.refresh_from_db()
    return replies


def photo(chat, media: FakeMedia, caption="", now=None) -> list[Reply]:
    media_id = f"media-{next(_ids)}"
    return say(
        chat, caption, "image", media=media, now=now, media_id=media_id, media_mime="image/jpeg"
    )


def tap(chat, option_id: str) -> list[Reply]:
    """A WhatsApp button or list reply, as the Cloud API delivers it."""
    payload = {
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": {"id": option_id, "title": "x"}},
    }
    return say(chat, "x", "interactive", payload=payload)


def text_of(replies) -> str:
    assert replies, "no reply"
    return "\n".join(reply.plain_text() for reply in replies)


def option_number(replies, option_id: str) -> str:
    options = [o[0] for o in replies[-1].options]
    return str(options.index(option_id) + 1)


# --- a KIA entirely in the chat --------------------------------------------------------------


def test_a_kia_by_format_four_photos_a_fix_request_and_status():
    chat = conversation()
    media = FakeMedia()
    first = text_of(say(chat, KIA_FORMAT))
    assert "Kartu Identitas Anak (KIA)" in first and "Budi Santoso" in first
    assert "Sepinggan (Kec. Balikpapan Selatan)" in first
    assert "1. Akta kelahiran anak: belum ada" in first
    assert "Pas foto anak berwarna: tidak wajib" in first  # the child is under five
    assert "Kirim sekarang foto atau PDF: Akta kelahiran anak" in first

    resident = User.objects.get(phone=PHONE)
    assert resident.username == PHONE and not resident.has_usable_password()
    application = Application.objects.get(resident=resident)
    assert (application.status, application.channel) == (lifecycle.DRAFT, "whatsapp")
    assert application.data["sex"] == "L" and application.data["birth_date"] == "2023-03-15"
    assert application.village_id == "6471051002"

    assert "Akta kelahiran anak tersimpan" in text_of(photo(chat, media))
    assert "KTP-el ibu" in text_of(photo(chat, media))
    third = text_of(photo(chat, media))
    assert "Masih kurang: Kartu Keluarga (KK)" in third
    done = text_of(photo(chat, media))
    application.refresh_from_db()
    assert application.status == lifecycle.SUBMITTED
    assert application.registration_number in done
    assert f"Perkiraan selesai: {long_date(application.promise_date)}" in done
    assert len(media.asked) == 4
    codes = sorted(a.requirement.code for a in application.attachments.all())
    assert codes == ["akta_kelahiran", "kk", "ktp_ayah", "ktp_ibu"]

    status = text_of(say(chat, f"status {application.registration_number.lower()}"))
    assert "Diajukan" in status and long_date(application.promise_date) in status

    # The verifier rejects the mother's KTP; the resident answers with a new photo.
    verifier = make_officer("verifier1", "verifier")
    verification_claim(application=application, officer=verifier)
    files = {a.requirement.code: a.requirement_id for a in application.attachments.all()}
    verification_decide(
        application=application,
        officer=verifier,
        decisions={
            rid: Decision(code != "ktp_ibu", "" if code != "ktp_ibu" else "unreadable", "buram")
            for code, rid in files.items()
        },
    )
    application.refresh_from_db()
    assert application.status == lifecycle.NEEDS_FIX
    fix = text_of(say(chat, f"STATUS {application.registration_number}"))
    assert "Perlu perbaikan" in fix and "KTP-el ibu: Tidak terbaca atau buram (buram)" in fix

    resubmitted = text_of(photo(chat, media))
    application.refresh_from_db()
    assert application.status == lifecycle.RESUBMITTED
    assert "KTP-el ibu tersimpan" in resubmitted
    assert f"Perkiraan selesai baru: {long_date(application.promise_date)}" in resubmitted
    assert chat.needs_human is False


def test_a_fix_request_answered_without_asking_status_first():
    chat = conversation()
    media = FakeMedia()
    say(chat, KIA_FORMAT)
    for _ in range(4):
        photo(chat, media)
    application = Application.objects.get()
    verifier = make_officer("verifier1", "verifier")
    verification_claim(application=application, officer=verifier)
    files = {a.requirement.code: a.requirement_id for a in application.attachments.all()}
    verification_decide(
        application=application,
        officer=verifier,
        decisions={
            rid: Decision(True) if code != "kk" else Decision(False, "wrong_document")
            for code, rid in files.items()
        },
    )
    replies = photo(chat, media)
    application.refresh_from_db()
    assert application.status == lifecycle.RESUBMITTED
    assert "Kartu Keluarga (KK) tersimpan" in text_of(replies)


def test_the_same_checks_as_web_uploads_apply_to_chat_photos():
    chat = conversation()
    say(chat, KIA_FORMAT)
    broken = text_of(photo(chat, FakeMedia(b"\xff\xd8\xff\xe0 not really a jpeg")))
    assert "Akta kelahiran anak:" in broken
    assert "Isi berkas bukan" in broken or "Gambar rusak" in broken
    assert not Application.objects.get().attachments.exists()
    empty = text_of(photo(chat, FakeMedia(b"")))
    assert "Berkas kosong" in empty


def test_a_download_that_fails_asks_to_send_again():
    chat = conversation()
    say(chat, KIA_FORMAT)

    class Gone(Exception):
        retryable = False

    def failing(media_id):
        raise Gone("expired")

    replies = say(chat, "", "image", media=failing, media_id="m-1", media_mime="image/jpeg")
    assert "kirim ulang" in text_of(replies)
    assert not Application.objects.get().attachments.exists()


def test_when_the_requirement_is_unclear_it_asks_which_and_a_caption_settles_it():
    resident = User.objects.create(username=PHONE, phone=PHONE)
    service = Service.objects.get(code="KTP")
    draft = application_start(
        resident=resident,
        service=service,
        variant=service.variants.get(code="HILANG"),
        data={"nik": BALIKPAPAN_WOMAN_NIK, "name": "Siti", "birth_date": "1990-07-01"},
    )
    chat = conversation()
    media = FakeMedia()
    question = photo(chat, media)
    assert "untuk persyaratan yang mana" in text_of(question)
    assert media.asked == []  # nothing fetched until the resident says which
    number = option_number(question, f"req:{service.requirements.get(code='surat_kehilangan').id}")
    saved = text_of(say(chat, number, media=media))
    assert "Surat keterangan kehilangan dari kepolisian tersimpan" in saved
    assert "Masih kurang: Kartu Keluarga (KK)" in saved
    done = text_of(photo(chat, media, caption="ini KK"))
    draft.refresh_from_db()
    assert draft.status == lifecycle.SUBMITTED and draft.registration_number in done


def test_a_caption_names_the_requirement():
    chat = conversation()
    media = FakeMedia()
    say(chat, KIA_FORMAT)
    assert "KTP-el ibu tersimpan" in text_of(photo(chat, media, caption="KTP ibu"))
    attached = Application.objects.get().attachments.get()
    assert attached.requirement.code == "ktp_ibu"


def test_photos_without_an_open_application_get_told_how_to_start():
    chat = conversation()
    replies = photo(chat, FakeMedia())
    assert "Belum ada permohonan yang menunggu berkas" in text_of(replies)
    assert not Application.objects.exists()


def test_sending_the_format_twice_updates_the_same_draft():
    chat = conversation()
    say(chat, KIA_FORMAT)
    say(chat, KIA_FORMAT.replace("Budi Santoso", "Budi Santosa"))
    application = Application.objects.get()
    assert application.data["name"] == "Budi Santosa"


def test_an_ambiguous_desa_is_asked_back_and_the_choice_completes_the_draft():
    chat = conversation()
    replies = say(
        chat, f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi#Gunung Sari#Balikpapan Tengah#"
    )
    assert "Gunung Sari Ilir (Kec. Balikpapan Tengah)" in text_of(replies)
    assert [title for _id, title in replies[-1].buttons] == ["Gunung Sari Ilir", "Gunung Sari Ulu"]
    assert not Application.objects.exists()
    tap(chat, "6471041001")  # Gunung Sari Ulu, by its button
    assert Application.objects.get().village_id == "6471041001"


def test_a_kk_format_without_its_variant_asks_for_it():
    chat = conversation()
    replies = say(chat, f"#KK#{BALIKPAPAN_KK}#Ahmad Yani#Damai#Balikpapan Kota#")
    assert "Pilih jenis permohonan" in text_of(replies)
    assert not Application.objects.exists()
    say(chat, option_number(replies, "PERUBAHAN"))
    application = Application.objects.get()
    assert application.variant.code == "PERUBAHAN"
    assert application.data["name"] == "Ahmad Yani"


def test_a_bad_format_message_lists_every_problem_and_creates_nothing():
    chat = conversation()
    replies = say(chat, "#KIA#64710515O3230003#6471050101100003#Budi#Menteng#Gambir")
    text = text_of(replies)
    assert "NIK hanya boleh berisi angka." in text
    assert 'Desa/kelurahan "Menteng" tidak ditemukan' in text
    assert not Application.objects.exists() and not User.objects.filter(phone=PHONE).exists()


# --- status ----------------------------------------------------------------------------------


def submitted_kia(phone=PHONE, channel=Conversation.WHATSAPP) -> Application:
    chat = conversation(phone, channel)
    media = FakeMedia()
    say(chat, KIA_FORMAT)
    for _ in range(4):
        photo(chat, media)
    return Application.objects.get(resident__phone=phone)


def test_status_answers_only_the_phone_that_applied():
    application = submitted_kia()
    number = application.registration_number
    own = text_of(say(conversation(), f"Status {number}"))
    assert "Diajukan" in own

    stranger = conversation(OTHER_PHONE)
    theirs = text_of(say(stranger, f"STATUS {number}"))
    unknown = text_of(say(stranger, "STATUS KIA-000000-ZZZZZZ"))
    assert theirs.replace(number, "X") == unknown.replace("KIA-000000-ZZZZZZ", "X")
    assert "tidak ditemukan" in theirs and "Diajukan" not in theirs


def test_an_sms_only_resident_queries_status_by_sms():
    application = submitted_kia()
    sms = conversation(PHONE, Conversation.SMS)
    replies = say(sms, f"status {application.registration_number}")
    assert "Diajukan" in text_of(replies)
    assert all(not reply.options for reply in replies)
    listing = text_of(say(sms, "STATUS"))
    assert application.registration_number in listing


def test_a_kia_by_sms_is_a_draft_of_the_sms_channel():
    sms = conversation(PHONE, Conversation.SMS)
    say(sms, KIA_FORMAT)
    assert Application.objects.get().channel == "sms"


# --- the guided menu -------------------------------------------------------------------------


def test_a_lost_ktp_through_the_menu_with_kembali():
    chat = conversation(channel=Conversation.SMS)
    menu = say(chat, "halo")
    assert "Pilih layanan" in text_of(menu)
    asked = say(chat, option_number(menu, "KTP"))
    assert "Pilih jenis permohonan" in text_of(asked)
    back = say(chat, "kembali")
    assert "Pilih layanan" in text_of(back)  # first question: back to the menu
    asked = say(chat, option_number(back, "KTP"))
    nik_question = say(chat, option_number(asked, "HILANG"))
    assert "NIK" in text_of(nik_question) and "langkah 2 dari 6" in text_of(nik_question)
    wrong = text_of(say(chat, "64710541O7900001"))
    assert "NIK hanya boleh berisi angka." in wrong and "langkah 2 dari 6" in wrong
    assert "Nomor KK" in text_of(say(chat, BALIKPAPAN_WOMAN_NIK))
    assert "NIK" in text_of(say(chat, "Kembali"))
    say(chat, BALIKPAPAN_WOMAN_NIK)
    assert "Nama lengkap" in text_of(say(chat, BALIKPAPAN_KK))
    assert "nama desa/kelurahan" in text_of(say(chat, "Siti Aminah"))
    assert "Alamat" in text_of(say(chat, "sepingan, balikpapan selatn"))
    done = text_of(say(chat, "Blok#5 RT 02"))  # a "#" in an answer is not a format message
    assert "Pengganti karena hilang" in done
    assert "Surat keterangan kehilangan dari kepolisian: belum ada" in done

    application = Application.objects.get()
    assert application.variant.code == "HILANG" and application.channel == "sms"
    assert application.data == {
        "nik": BALIKPAPAN_WOMAN_NIK,
        "no_kk": BALIKPAPAN_KK,
        "name": "Siti Aminah",
        "sex": "P",
        "birth_date": "1990-07-01",
        "village": "6471051002",
        "address": "Blok#5 RT 02",
    }
    # BATAL after the draft: the draft stays a draft, the chat stops using it.
    cancelled = text_of(say(chat, "batal"))
    assert "Dibatalkan" in cancelled
    application.refresh_from_db()
    assert application.status == lifecycle.DRAFT
    assert "Belum ada permohonan yang menunggu berkas" in text_of(photo(chat, FakeMedia()))


def test_batal_in_the_middle_creates_nothing():
    chat = conversation()
    say(chat, "menu")
    say(chat, "KTP")
    say(chat, "hilang")
    say(chat, BALIKPAPAN_WOMAN_NIK)
    replies = say(chat, "BATAL")
    assert "Tidak ada permohonan yang dibuat" in text_of(replies)
    assert chat.state.get("form") is None and chat.state.get("ask") is None
    assert not Application.objects.exists()
    assert "Pilih layanan" in text_of(say(chat, "apa ya"))


def test_an_empty_message_repeats_the_open_question_and_thanks_are_answered():
    chat = conversation()
    say(chat, "KIA")
    replies = say(chat, "   ")
    assert "Pesan Anda kosong" in text_of(replies) and "Tulis NIK" in text_of(replies)
    say(chat, "batal")
    assert "Sama-sama" in text_of(say(chat, "terima kasih"))


def test_a_service_named_in_free_text_starts_its_questions():
    chat = conversation()
    replies = say(chat, "mau bikin ktp hilang")
    assert "NIK" in text_of(replies)  # the variant was in the sentence
    assert chat.state["form"]["variant"] == "HILANG"


def test_the_sex_question_takes_p_as_an_answer_not_a_greeting():
    chat = conversation()
    say(chat, "menu")
    say(chat, "AKL")
    say(chat, BALIKPAPAN_KK)
    assert "Jenis kelamin" in text_of(say(chat, "Putri Ayu"))
    assert "Tanggal lahir" in text_of(say(chat, "p"))
    assert chat.state["form"]["data"]["sex"] == "P"


# --- English ---------------------------------------------------------------------------------


def test_english_on_request_and_back():
    User.objects.create(username=PHONE, phone=PHONE)
    chat = conversation()
    replies = say(chat, "English")
    assert chat.language == "en"
    assert User.objects.get(phone=PHONE).preferred_language == "en"
    text = text_of(replies)
    assert "continue in English" in text
    assert "Child identity card (KIA)" in text  # the menu, in English
    confirmation = text_of(say(chat, KIA_FORMAT))
    assert "Child's birth certificate" in confirmation
    say(chat, "bahasa indonesia")
    assert chat.language == "id"
    assert "Kartu Identitas Anak" in text_of(say(chat, "menu"))


def test_a_new_resident_in_english_gets_an_english_account():
    chat = conversation()
    say(chat, "english")
    say(chat, KIA_FORMAT)
    assert User.objects.get(phone=PHONE).preferred_language == "en"


# --- officers --------------------------------------------------------------------------------


def at(*args) -> datetime:
    return datetime(*args, tzinfo=OFFICE)


@pytest.mark.parametrize(
    "when,expected",
    [
        (at(2026, 11, 24, 10, 0), "hari ini sebelum pukul 16.00"),
        (at(2026, 11, 24, 7, 30), "hari ini sebelum pukul 16.00"),
        (at(2026, 11, 24, 17, 0), "hari kerja berikutnya, Rabu, 25 November 2026"),
        (at(2026, 11, 28, 9, 0), "hari kerja berikutnya, Senin, 30 November 2026"),
        (at(2026, 12, 24, 17, 0), "hari kerja berikutnya, Senin, 28 Desember 2026"),
    ],
)
def test_what_the_bot_cannot_handle_goes_to_an_officer_with_when(when, expected):
    chat = conversation()
    replies = say(chat, "Kenapa KTP saya belum jadi sudah sebulan?", now=when)
    assert chat.needs_human is True
    text = text_of(replies)
    assert "petugas" in text and expected in text


@pytest.mark.parametrize("kind", ["sticker", "location", "audio", "video", "contacts", "unknown"])
def test_stickers_pins_and_other_media_go_to_an_officer(kind):
    chat = conversation()
    assert "petugas" in text_of(say(chat, "", kind))
    assert chat.needs_human is True


def test_petugas_asks_for_a_person():
    chat = conversation()
    say(chat, "petugas")
    assert chat.needs_human is True


def test_a_turn_that_fails_changes_nothing_and_hands_over(monkeypatch):
    chat = conversation()

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("channels.engine.Turn.confirmation", broken)
    replies = say(chat, KIA_FORMAT)
    assert "petugas" in text_of(replies)
    assert not Application.objects.exists() and not User.objects.filter(phone=PHONE).exists()
    assert chat.needs_human is True and chat.state == {}


# --- replies ---------------------------------------------------------------------------------


def test_replies_render_numbered_options_for_sms_and_interactive_objects_for_whatsapp():
    chat = conversation()
    menu = say(chat, "menu")[-1]
    plain = menu.plain_text()
    assert "\n1. KTP - KTP-el (Kartu Tanda Penduduk elektronik)" in plain
    assert len(menu.rows) <= 10
    assert menu.body == plain
    interactive = menu.interactive
    assert interactive["type"] == "list"
    assert interactive["action"]["sections"][0]["rows"][0]["id"] == "KTP"
    sex = Reply("Jenis kelamin:", buttons=(("L", "Laki-laki"), ("P", "Perempuan")))
    assert sex.interactive["type"] == "button" and sex.plain_text().endswith("2. Perempuan")
    assert Reply("hi").interactive is None


# --- bad input -------------------------------------------------------------------------------

KTP_OK = f"{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti Aminah#Sepinggan#Balikpapan Selatan"
MALFORMED_TEXTS = [
    # wrong field counts
    "#KTP#",
    "#KTP#6471054107900001#",
    f"#KTP#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti#",
    f"#KTP#{KTP_OK}#",
    f"#KTP#{KTP_OK}#HILANG#extra#",
    f"#KTP#{KTP_OK}#HILANG#x#y#z",
    "#KIA#",
    f"#KIA#{CHILD_2023_NIK}#",
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi#",
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi#Sepinggan#Selatan#lagi#",
    "#KK#",
    f"#KK#{BALIKPAPAN_KK}#",
    f"#KK#{BALIKPAPAN_KK}#Ahmad#Damai#Kota#BARU#lebih#",
    "#SKPWNI#",
    f"#SKPWNI#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#",
    f"#SKPWNI#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti#Jl. A#lebih#",
    "#SKDWN#",
    "#SKDWNI#123#",
    "#SKDWNI#123#kerja#lebih#",
    "#SKDWN#a#b#c#d#e#f#g#h#i#j",
    # letters and wrong numbers in NIK / No. KK
    f"#KTP#64710541O7900001#{BALIKPAPAN_KK}#Siti#Sepinggan#Selatan#HILANG#",
    f"#KTP#NIK#{BALIKPAPAN_KK}#Siti#Sepinggan#Selatan#HILANG#",
    "#KTP#NIK#NO_KK#NAMA#DESA#KECAMATAN#PEMULA#",
    "#KTP#NIK#NO_KK#NAMA#DESA#KECAMATAN#PEMULA/HILANG/RUSAK#",
    f"#KTP#{BALIKPAPAN_WOMAN_NIK}#KK123#Siti#Sepinggan#Selatan#HILANG#",
    f"#KTP#647105410790000#{BALIKPAPAN_KK}#Siti#Sepinggan#Selatan#HILANG#",
    f"#KTP#64710541079000011#{BALIKPAPAN_KK}#Siti#Sepinggan#Selatan#HILANG#",
    f"#KTP#9971054107900001#{BALIKPAPAN_KK}#Siti#Sepinggan#Selatan#HILANG#",
    f"#KTP#6471059913900001#{BALIKPAPAN_KK}#Siti#Sepinggan#Selatan#HILANG#",
    f"#KTP#6471054107900000#{BALIKPAPAN_KK}#Siti#Sepinggan#Selatan#HILANG#",
    f"#KTP#{BALIKPAPAN_WOMAN_NIK}#9971050101100003#Siti#Sepinggan#Selatan#HILANG#",
    f"#KTP#６４７１０５４１０７９０００１#{BALIKPAPAN_KK}#Siti#Sepinggan#Selatan#HILANG#",
    f"#KIA#{CHILD_2023_NIK}#{CHILD_2023_NIK[:-1]}X#Budi#Sepinggan#Selatan",
    f"#KIA#-1#{BALIKPAPAN_KK}#Budi#Sepinggan#Selatan",
    f"#KIA#1e16#{BALIKPAPAN_KK}#Budi#Sepinggan#Selatan",
    f"#SKPWNI#{BALIKPAPAN_WOMAN_NIK}#abc#Siti#Jl. A",
    # unknown services and variants
    "#SIM#123#",
    "#PASPOR#A#B#C#",
    "#123#",
    "#AKL#a#b#",
    "#AKTA#1#2#3#",
    "#KTPP#1#2#3#4#5#6#",
    "#K T P X#",
    f"#KTP#{KTP_OK}#HILANGG#",
    f"#KTP#{KTP_OK}#BARU SEKALI#",
    f"#KTP#{KTP_OK}#😀#",
    f"#KK#{BALIKPAPAN_KK}#Ahmad#Damai#Kota#LAMA#",
    # places
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi#Menteng#Gambir",
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi#Menteng#Balikpapan Selatan",
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi##Balikpapan Selatan",
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi#😀#😀",
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi#{'x' * 3000}#{'y' * 900}",
    # names and fields
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#😀😀😀#Sepinggan#Selatan",
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi123#Sepinggan#Selatan",
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#<script>alert(1)</script>#Sepinggan#Selatan",
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Robert'); DROP TABLE users;--#Sepinggan#Selatan",
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#{'A' * 500}#Sepinggan#Selatan",
    f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#\x00\x01#Sepinggan#Selatan",
    f"#SKPWNI#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti#{'Jl. ' * 100}",
    f"#SKDWNI#{'9' * 60}#kerja",
    "#SKDWNI##kerja",
    # separators only, empty and odd texts
    "#",
    "##",
    "###",
    "# # # #",
    "#\n#\n#",
    "",
    " ",
    "\n\n\t",
    "\x00",
    "\u200b\u200b",
    "\u202eKTP#",
    # emoji and scripts
    "😀",
    "👍🏽👍🏽👍🏽",
    "🇮🇩🇮🇩",
    "#😀#😀#😀#",
    "K\u0336T\u0336P\u0336",
    "ＫＴＰ＃１２３",
    "كيف حالك",
    "你好",
    "Z̴̛̖a̷̰͝l̶̰̈́g̵̣̈o̶̗͝",
    # sizes
    "a" * 5000,
    "#KTP#" + "1" * 10_000,
    "x" * (5 * 1024 * 1024),
    "#" * 20_000,
    "🙂" * 3000,
    # status oddities
    "STATUS",
    "status KIA-000000-AAAAAA",
    "status ' OR 1=1 --",
    "status " + "Z" * 500,
    "cek status 😀",
    "STATUS #KTP#",
    # numbers and words out of context
    "1",
    "99",
    "-1",
    "0",
    "kembali",
    "batal",
    "L",
    "ya",
    "ok",
    "p",
    "terima kasih",
    "123456789012345678901234567890",
    "<b>halo</b>",
    '{"type": "interactive"}',
    "null",
    "NaN",
    "req:1",
    "req:abc",
    "6471051002",
]
MALFORMED_KINDS = [
    ("sticker", {}),
    ("location", {"location": {"latitude": -1.26, "longitude": 116.83}}),
    ("audio", {}),
    ("video", {}),
    ("contacts", {}),
    ("unsupported", {}),
    ("order", {}),
    ("", {}),
    ("weird-kind", {}),
    ("interactive", {"interactive": {"type": "button_reply", "button_reply": {}}}),
    ("interactive", {"interactive": "garbage"}),
    ("interactive", {"interactive": {"type": "list_reply", "list_reply": {"id": "req:999"}}}),
    ("interactive", {"interactive": {"type": "list_reply", "list_reply": {"id": "x" * 5000}}}),
    ("button", {"button": {"payload": "9999", "text": "?"}}),
    ("image", {}),  # no media id
    ("document", {}),
]


def _answer_is_clear(replies):
    assert isinstance(replies, list) and replies
    for reply in replies:
        assert isinstance(reply, Reply) and reply.text.strip()
        assert len(reply.text) <= 4096


@pytest.mark.parametrize(
    "text", MALFORMED_TEXTS, ids=[f"text{i}" for i in range(len(MALFORMED_TEXTS))]
)
def test_every_malformed_text_gets_a_clear_answer_and_creates_nothing(text, caplog):
    chat = conversation()
    _answer_is_clear(say(chat, text, media=FakeMedia()))
    assert not Application.objects.exists()
    assert not any("turn failed" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    "kind,payload", MALFORMED_KINDS, ids=[f"kind{i}" for i in range(len(MALFORMED_KINDS))]
)
def test_every_odd_message_kind_gets_a_clear_answer_and_creates_nothing(kind, payload, caplog):
    chat = conversation()
    _answer_is_clear(say(chat, "", kind, media=FakeMedia(), payload=payload))
    assert not Application.objects.exists()
    assert not any("turn failed" in record.getMessage() for record in caplog.records)


def test_the_corpus_has_at_least_a_hundred_messages():
    assert len(MALFORMED_TEXTS) + len(MALFORMED_KINDS) >= 100


def test_the_whole_corpus_in_one_conversation_never_crashes(caplog):
    """State carried from message to message (menus, half-answered questions) must not turn
    garbage into an application or an exception either."""
    chat = conversation()
    for text in ["menu", *MALFORMED_TEXTS, "ktp", *MALFORMED_TEXTS[:40], "KIA", *MALFORMED_TEXTS]:
        _answer_is_clear(say(chat, text, media=FakeMedia()))
    for kind, payload in MALFORMED_KINDS:
        _answer_is_clear(say(chat, "", kind, media=FakeMedia(), payload=payload))
    assert not Application.objects.exists()
    assert not any("turn failed" in record.getMessage() for record in caplog.records)


chat_messages = st.one_of(
    st.sampled_from(
        ["menu", "1", "2", "3", "10", "kembali", "batal", "english", "indonesia", "status", "KIA",
         "ktp hilang", "p", "L", "petugas", BALIKPAPAN_WOMAN_NIK, BALIKPAPAN_KK, CHILD_2023_NIK,
         "Siti Aminah", "sepingan, selatan", "gunung sari", "17-08-1990", "Jl. A", KIA_FORMAT,
         "#KK#" + BALIKPAPAN_KK + "#Ahmad#Damai#Kota#", "#KTP#1#", "", "😀", "req:1"]
    ),
    st.text(max_size=40),
)  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(chat_messages, st.sampled_from(["text", "text", "image", "sticker"])), max_size=12
    )
)
def test_any_sequence_of_messages_never_crashes(messages):
    Conversation.objects.all().delete()
    chat = conversation()
    media = FakeMedia()
    with capture_failures() as failures:
        for text, kind in messages:
            media_id = "m-1" if kind == "image" else ""
            _answer_is_clear(say(chat, text, kind, media=media, media_id=media_id))
            json.dumps(chat.state)
    assert failures == []


class capture_failures:
    """Collects the engine's "turn failed" log records (the mark of an exception)."""

    def __enter__(self):
        import logging

        self.failures = []
        self.handler = logging.Handler()
        self.handler.emit = lambda record: self.failures.append(record.getMessage())
        logging.getLogger("channels.engine").addHandler(self.handler)
        return self.failures

    def __exit__(self, *exc):
        import logging

        logging.getLogger("channels.engine").removeHandler(self.handler)
        return False


def test_a_reaction_needs_no_answer():
    assert say(conversation(), "", "reaction") == []


def test_state_stays_plain_json():
    chat = conversation()
    for text in ["menu", "KTP", "HILANG", BALIKPAPAN_WOMAN_NIK, "kembali"]:
        say(chat, text)
        json.dumps(chat.state)
    say(chat, f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi#Klandasan#Balikpapan Kota")
    json.dumps(chat.state)

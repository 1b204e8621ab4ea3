"""Complaints in the chat: PENGADUAN with its text files a complaint (the kind picked from a
list, or typed by number over SMS); a bare "pengaduan" still reaches an officer."""

import pytest

from channels.models import Conversation
from feedback.models import Complaint
from notifications.models import OutboxMessage
from tests.channels.test_engine import conversation, say, tap, text_of

pytestmark = pytest.mark.django_db
TEXT = "PENGADUAN KTP-el saya sudah tiga minggu belum jadi padahal janjinya dua hari kerja"


def test_pengaduan_with_text_files_a_complaint_of_the_kind_chosen():
    chat = conversation()
    question = say(chat, TEXT)
    assert "Pilih jenisnya" in text_of(question)
    assert "delay" in [option[0] for option in question[-1].options]
    assert tap(chat, "delay") == []  # the complaint's notice (deadline, link) is the answer
    complaint = Complaint.objects.get()
    assert (complaint.category, complaint.channel, complaint.phone) == (
        "delay",
        "whatsapp",
        chat.phone,
    )
    assert complaint.body.startswith("KTP-el saya sudah tiga minggu")
    notice = OutboxMessage.objects.get(recipient=chat.phone)
    assert "pengaduan Anda diterima" in notice.body and notice.channel == "whatsapp"
    chat.refresh_from_db()
    assert "complaint" not in chat.state and "ask" not in chat.state


def test_over_sms_the_kind_is_typed_as_a_number():
    chat = conversation(channel=Conversation.SMS)
    replies = say(chat, TEXT)
    assert "1. Permintaan informasi" in text_of(replies)
    number = str([o[0] for o in replies[-1].options].index("delay") + 1)
    say(chat, number)
    assert Complaint.objects.get().channel == "sms"


def test_a_bare_pengaduan_goes_to_an_officer_and_files_nothing():
    chat = conversation()
    assert "teruskan ke petugas" in text_of(say(chat, "pengaduan"))
    assert not Complaint.objects.exists()


def test_batal_drops_the_complaint():
    chat = conversation()
    say(chat, TEXT)
    say(chat, "batal")
    assert not Complaint.objects.exists()
    assert "complaint" not in Conversation.objects.get(pk=chat.pk).state

"""Complaints in the chat: "PENGADUAN <isi>" (or KELUHAN / KOMPLAIN) files a complaint with the
same rules as the web form (feedback.services.complaint_file): the resident picks its kind from a
list, the deadline follows SP4N-LAPOR!'s working days, and the answer comes back to this chat.
A bare "pengaduan" still goes to an officer in the staff inbox.
"""

import re

from django.utils.translation import gettext as _

from channels.replies import Reply, choice
from loket.errors import DomainError

COMMAND = re.compile(r"^\s*(?:pengaduan|keluhan|komplain|complaint)\b[\s:#\-]*(.*)$", re.I | re.S)
MIN_BODY = 15  # shorter is a greeting or a word, better answered by a person
SUBJECT_CHARS = 80


def command(text: str) -> str | None:
    """The complaint's text when the message files one, else None."""
    match = COMMAND.match(text)
    if not match:
        return None
    body = " ".join(match.group(1).split())
    return body if len(body) >= MIN_BODY else None


def start(turn, body: str) -> list[Reply]:
    from feedback.models import CATEGORIES

    turn.state["complaint"] = {"body": body[:2000]}
    turn.state["ask"] = {"kind": "complaint_category", "options": list(CATEGORIES)}
    return [
        choice(
            _("Pengaduan Anda akan kami catat. Pilih jenisnya:"),
            [(code, str(label), "") for code, (label, _days) in CATEGORIES.items()],
            _("Jenis pengaduan"),
        )
    ]


def answer(turn, picked: str | None) -> list[Reply]:
    from feedback.models import CATEGORIES
    from feedback.services import complaint_file

    pending = turn.state.get("complaint") or {}
    if picked not in CATEGORIES or not pending.get("body"):
        turn.state.pop("complaint", None)
        turn.state.pop("ask", None)
        return [Reply(_("Pilih jenis pengaduan dari daftar, atau ketik BATAL."))]
    body = pending["body"]
    try:
        complaint_file(
            category=picked,
            subject=body[:SUBJECT_CHARS],
            body=body,
            resident=turn.resident(create=True),
            channel=turn.conversation.channel,
        )
    except DomainError as error:
        return [Reply("\n".join(error.messages))]
    finally:
        turn.state.pop("complaint", None)
        turn.state.pop("ask", None)
    return []  # the complaint's own notice (deadline and link) is the reply

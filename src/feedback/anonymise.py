"""Strip personal data from a complaint before its answer becomes a public FAQ (UU 27/2022).

What goes: 16-digit numbers (NIK, No. KK, also written with spaces or dots), phone numbers,
e-mail addresses, Loket registration numbers (KTP-241125-AB3CDE), names known to belong to the
case (resident, applicant, officer) and any capitalised words after a form of address (Bapak,
Ibu, Sdr., …). The officer still reads the text before publishing; this is the safety net.
"""

import re

NIK = re.compile(r"(?<!\d)(?:\d[\s.\-]?){15}\d(?!\d)")
PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)8[\d\s\-.]{7,14}\d(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
REGISTRATION = re.compile(r"\b[A-Z]{2,8}-\d{6}-[2-9A-HJ-NP-Z]{6}\b", re.IGNORECASE)
ADDRESSED = re.compile(
    r"\b(Bapak|Bpk\.?|Pak|Ibu|Bu|Sdr\.?|Sdri\.?|Saudara|Saudari|Mas|Mbak|Kak|Bang|Tuan|Nyonya)"
    r"(\s+[A-Z][\w'’.-]*)+"
)
LONG_NUMBER = re.compile(r"(?<!\d)\d{8,}(?!\d)")  # other identifiers (SKPWNI numbers, …)

NAME_MARK = "[nama]"


def anonymise(text: str, *, names=()) -> str:
    text = EMAIL.sub("[email]", text)
    text = REGISTRATION.sub("[nomor permohonan]", text)
    text = NIK.sub("[NIK]", text)
    text = PHONE.sub("[nomor HP]", text)
    text = LONG_NUMBER.sub("[nomor]", text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 3}, key=len)[::-1]:
        # Whole name first, then each part of it (people are often called by one name).
        text = re.sub(rf"\b{re.escape(name)}\b", NAME_MARK, text, flags=re.IGNORECASE)
        for part in name.split():
            if len(part) >= 3:
                text = re.sub(rf"\b{re.escape(part)}\b", NAME_MARK, text, flags=re.IGNORECASE)
    text = ADDRESSED.sub(lambda m: f"{m.group(1)} {NAME_MARK}", text)
    return text


def names_of_case(complaint) -> list[str]:
    """Names the complaint's texts may contain: the resident's and officers' names and every
    name field of the linked application's data."""
    names = []
    for user in (complaint.resident, complaint.answered_by, complaint.filed_by):
        if user is not None:
            names += [user.first_name, user.last_name, user.get_full_name()]
            if user.is_staff:
                names.append(user.username)
    if complaint.application_id:
        for key, value in (complaint.application.data or {}).items():
            if "name" in key or "nama" in key:
                names.append(str(value))
    return [name for name in names if name]

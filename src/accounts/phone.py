import re

from django.utils.translation import gettext_lazy as _

from loket.errors import DomainError

_SEPARATORS = re.compile(r"[\s\-().]")


def normalize_phone(raw: str) -> str:
    """An Indonesian mobile number as +628…; accepts 08…, 628…, +628… with spaces or dashes."""
    number = _SEPARATORS.sub("", str(raw or ""))
    if number.startswith("+"):
        number = number[1:]
    if number.startswith("0"):
        number = "62" + number[1:]
    if not (number.isdigit() and number.startswith("628") and 10 <= len(number) <= 15):
        raise DomainError(
            "phone_invalid",
            _("Nomor HP tidak valid. Tulis seperti 0812 3456 7890."),
        )
    return "+" + number


def mask_phone(phone: str) -> str:
    """+6281234567890 → +62812•••••890: enough for an officer to recognise, not to copy."""
    phone = str(phone or "")
    if len(phone) < 9:
        return "•" * len(phone)
    return phone[:6] + "•" * (len(phone) - 9) + phone[-3:]

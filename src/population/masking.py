"""NIKs (and No. KK) shown on screens that do not need them in full (UU 27/2022).

The first six digits (the kecamatan code) and the last four (the serial) stay readable, enough to
tell records apart at the counter; the six in the middle, birth date and sex, are hidden.
"""

MASK = "*"
KEEP_HEAD, KEEP_TAIL, NUMBER_LENGTH = 6, 4, 16


def mask_nik(value) -> str:
    """mask_nik("6471054107900001") == "647105******0001"; anything else shows at most 4 digits."""
    if value is None:
        return ""
    text = "".join(str(value).split())
    if len(text) == NUMBER_LENGTH:
        hidden = NUMBER_LENGTH - KEEP_HEAD - KEEP_TAIL
        return text[:KEEP_HEAD] + MASK * hidden + text[-KEEP_TAIL:]
    if len(text) > 2 * KEEP_TAIL:  # malformed but long: keep only the serial-like tail
        return MASK * (len(text) - KEEP_TAIL) + text[-KEEP_TAIL:]
    return MASK * len(text)

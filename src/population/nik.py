"""NIK and No. KK rules, in one place (Permendagri on population numbers).

A NIK is 16 digits: the 6-digit code of the kecamatan where it was first issued, the birth date
as DDMMYY with 40 added to the day for women, and a 4-digit serial. A No. KK is 16 digits whose
first 6 are also a kecamatan code. A NIK keeps the code of where it was first issued, so residents
who moved in carry other kabupaten's codes: any kecamatan in Indonesia is accepted.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import formats
from django.utils.translation import gettext_lazy as _

MALE, FEMALE = "L", "P"
SEX_LABELS = {MALE: _("laki-laki"), FEMALE: _("perempuan")}

RegionCheck = Callable[[str], bool]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input; its message is rendered in the active language."""

    code: str
    template: str
    params: dict = field(default_factory=dict)
    field: str = ""

    @property
    def message(self) -> str:
        return str(self.template) % self.params if self.params else str(self.template)

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        return data


@dataclass(frozen=True)
class NikFacts:
    nik: str
    region_code: str
    birth_date: date
    sex: str
    serial: str


MESSAGES = {
    "nik_required": _("NIK wajib diisi."),
    "nik_not_digits": _("NIK hanya boleh berisi angka."),
    "nik_length": _("NIK harus 16 angka; yang diisi %(count)d angka."),
    "nik_region_unknown": _(
        "Enam angka pertama NIK (%(code)s) bukan kode kecamatan yang ada di Indonesia."
    ),
    "nik_birth_date_invalid": _(
        "Angka ke-7 sampai ke-12 NIK (%(digits)s) bukan tanggal lahir yang benar."
    ),
    "nik_serial_invalid": _("Empat angka terakhir NIK tidak boleh 0000."),
    "nik_sex_mismatch": _("Jenis kelamin tidak sesuai dengan NIK: NIK ini milik %(sex)s."),
    "nik_birth_date_mismatch": _(
        "Tanggal lahir tidak sesuai dengan NIK: menurut NIK, tanggal lahirnya %(date)s."
    ),
    "kk_required": _("Nomor KK wajib diisi."),
    "kk_not_digits": _("Nomor KK hanya boleh berisi angka."),
    "kk_length": _("Nomor KK harus 16 angka; yang diisi %(count)d angka."),
    "kk_region_unknown": _(
        "Enam angka pertama Nomor KK (%(code)s) bukan kode kecamatan yang ada di Indonesia."
    ),
}


def problem(code: str, field_name: str = "", /, **params) -> Problem:
    return Problem(code=code, template=MESSAGES[code], params=params, field=field_name)


def _clean(value) -> str:
    return "".join(str(value or "").split())


def _shape_problems(number: str, prefix: str, field_name: str) -> list[Problem]:
    if not number:
        return [problem(f"{prefix}_required", field_name)]
    if not number.isascii() or not number.isdigit():
        return [problem(f"{prefix}_not_digits", field_name)]
    if len(number) != 16:
        return [problem(f"{prefix}_length", field_name, count=len(number))]
    return []


def birth_date_from_digits(ddmmyy: str, today: date) -> tuple[date, str] | None:
    """DDMMYY (day + 40 for women) to a date in the past; None if no such calendar date."""
    day, month, year = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    sex = FEMALE if day > 40 else MALE
    if sex == FEMALE:
        day -= 40
    for century in (2000, 1900):
        try:
            candidate = date(century + year, month, day)
        except ValueError:
            return None
        if candidate <= today:
            return candidate, sex
    return None


def parse_nik(
    value, *, today: date, region_exists: RegionCheck, field_name: str = "nik"
) -> tuple[NikFacts | None, list[Problem]]:
    nik = _clean(value)
    problems = _shape_problems(nik, "nik", field_name)
    if problems:
        return None, problems
    region, ddmmyy, serial = nik[:6], nik[6:12], nik[12:]
    if not region_exists(region):
        problems.append(problem("nik_region_unknown", field_name, code=region))
    born = birth_date_from_digits(ddmmyy, today)
    if born is None:
        problems.append(problem("nik_birth_date_invalid", field_name, digits=ddmmyy))
    if serial == "0000":
        problems.append(problem("nik_serial_invalid", field_name))
    if problems:
        return None, problems
    birth_date, sex = born
    return NikFacts(nik=nik, region_code=region, birth_date=birth_date, sex=sex, serial=serial), []


def declared_problems(
    facts: NikFacts, *, sex: str | None = None, birth_date: date | None = None
) -> list[Problem]:
    """The declared sex and birth date must agree with what the NIK encodes."""
    problems = []
    if sex and sex != facts.sex:
        problems.append(problem("nik_sex_mismatch", "sex", sex=SEX_LABELS[facts.sex]))
    if birth_date and birth_date != facts.birth_date:
        shown = formats.date_format(facts.birth_date, "j F Y")
        problems.append(problem("nik_birth_date_mismatch", "birth_date", date=shown))
    return problems


def parse_kk(value, *, region_exists: RegionCheck, field_name: str = "no_kk"):
    number = _clean(value)
    problems = _shape_problems(number, "kk", field_name)
    if not problems and not region_exists(number[:6]):
        problems.append(problem("kk_region_unknown", field_name, code=number[:6]))
    return (None if problems else number), problems

"""The satisfaction index (IKM / SKM) of PermenPANRB 14/2017, computed in one place.

The regulation's recipe:
  NRR per element     = sum of the element's scores / number of filled forms
  weighted NRR        = NRR × weight, weight = 1 / number of elements (the Lampiran prints
                        1/9 as 0,111; we keep the exact fraction so nine 4s give 100,00, not
                        99,90)
  IKM                 = sum of the weighted NRRs (1,00 – 4,00)
  converted IKM       = IKM × 25 (25,00 – 100,00), rounded half-up to two decimals
  grade               = the regulation's table, read on the rounded converted value.

Everything is computed with Fraction (exact) and rounded once, at the end, with Decimal
ROUND_HALF_UP; floats never enter.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

# The nine elements (unsur) in the regulation's order, with the questionnaire's answer wording
# for scores 1..4 (Lampiran, contoh kuesioner). The paper form and the CSV use u1..u9 in this
# order.
ELEMENTS = [
    (
        "u1",
        _("Persyaratan"),
        _(
            "Bagaimana pendapat Anda tentang kesesuaian persyaratan pelayanan dengan "
            "jenis pelayanannya?"
        ),
        (_("Tidak sesuai"), _("Kurang sesuai"), _("Sesuai"), _("Sangat sesuai")),
    ),
    (
        "u2",
        _("Sistem, mekanisme, dan prosedur"),
        _("Bagaimana pemahaman Anda tentang kemudahan prosedur pelayanan di unit ini?"),
        (_("Tidak mudah"), _("Kurang mudah"), _("Mudah"), _("Sangat mudah")),
    ),
    (
        "u3",
        _("Waktu penyelesaian"),
        _("Bagaimana pendapat Anda tentang kecepatan waktu dalam memberikan pelayanan?"),
        (_("Tidak cepat"), _("Kurang cepat"), _("Cepat"), _("Sangat cepat")),
    ),
    (
        "u4",
        _("Biaya/tarif"),
        _("Bagaimana pendapat Anda tentang kewajaran biaya/tarif dalam pelayanan?"),
        (_("Sangat mahal"), _("Cukup mahal"), _("Murah"), _("Gratis")),
    ),
    (
        "u5",
        _("Produk spesifikasi jenis pelayanan"),
        _(
            "Bagaimana pendapat Anda tentang kesesuaian produk pelayanan antara yang tercantum "
            "dalam standar pelayanan dengan hasil yang diberikan?"
        ),
        (_("Tidak sesuai"), _("Kurang sesuai"), _("Sesuai"), _("Sangat sesuai")),
    ),
    (
        "u6",
        _("Kompetensi pelaksana"),
        _("Bagaimana pendapat Anda tentang kompetensi/kemampuan petugas dalam pelayanan?"),
        (_("Tidak kompeten"), _("Kurang kompeten"), _("Kompeten"), _("Sangat kompeten")),
    ),
    (
        "u7",
        _("Perilaku pelaksana"),
        _(
            "Bagaimana pendapat Anda tentang perilaku petugas dalam pelayanan terkait kesopanan "
            "dan keramahan?"
        ),
        (
            _("Tidak sopan dan ramah"),
            _("Kurang sopan dan ramah"),
            _("Sopan dan ramah"),
            _("Sangat sopan dan ramah"),
        ),
    ),
    (
        "u8",
        _("Penanganan pengaduan, saran dan masukan"),
        _("Bagaimana pendapat Anda tentang penanganan pengaduan pengguna layanan?"),
        (
            _("Tidak ada"),
            _("Ada tetapi tidak berfungsi"),
            _("Berfungsi kurang maksimal"),
            _("Dikelola dengan baik"),
        ),
    ),
    (
        "u9",
        _("Sarana dan prasarana"),
        _("Bagaimana pendapat Anda tentang kualitas sarana dan prasarana?"),
        (_("Buruk"), _("Cukup"), _("Baik"), _("Sangat baik")),
    ),
]
ELEMENT_CODES = [code for code, *_rest in ELEMENTS]
SCORES = (1, 2, 3, 4)

# Exactly 1/9: the regulation's "jumlah bobot / jumlah unsur".
WEIGHT = Fraction(1, len(ELEMENTS))
# The regulation's printed, rounded weight; kept only to show (in tests and on the report)
# how far it is from the exact one.
PRINTED_WEIGHT = Fraction(111, 1000)
CONVERSION = 25
CENT = Decimal("0.01")

# Grade table (Nilai Interval Konversi → Mutu Pelayanan → Kinerja Unit Pelayanan), lower bounds
# on the value rounded to two decimals: 25,00–64,99 D; 65,00–76,60 C; 76,61–88,30 B;
# 88,31–100,00 A.
GRADES = [
    (Decimal("88.31"), "A", _("Sangat baik")),
    (Decimal("76.61"), "B", _("Baik")),
    (Decimal("65.00"), "C", _("Kurang baik")),
    (Decimal("25.00"), "D", _("Tidak baik")),
]


def round_half_up(value: Fraction) -> Decimal:
    """Two decimals, halves away from zero (Python's round() would round halves to even)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    # Decimal division has 28 significant digits: enough that no value a survey can produce
    # sits closer to a .xx5 boundary than the context's error.
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def grade_for(converted: Decimal) -> tuple[str, str]:
    """The letter and its label; below 25,00 (only reachable with the printed 0,111 weight)
    still reads as the lowest grade."""
    for lower, letter, label in GRADES:
        if converted >= lower:
            return letter, str(label)
    _lower, letter, label = GRADES[-1]
    return letter, str(label)


@dataclass(frozen=True)
class ElementResult:
    code: str
    name: str
    total: int
    average: Fraction  # NRR

    @property
    def average_rounded(self) -> Decimal:
        return round_half_up(self.average)


@dataclass(frozen=True)
class IkmResult:
    respondents: int
    elements: list[ElementResult]
    index: Fraction | None  # 1..4, exact
    converted: Decimal | None  # 25,00..100,00, rounded half-up
    grade: str
    grade_label: str

    @property
    def empty(self) -> bool:
        return self.respondents == 0


def compute(responses: Iterable[Sequence[int]], *, weight: Fraction = WEIGHT) -> IkmResult:
    """`responses`: one sequence of nine scores (u1..u9) per filled form.

    `weight` exists only so the tests can show what the printed 0,111 would give.
    """
    totals = [0] * len(ELEMENTS)
    count = 0
    for scores in responses:
        if len(scores) != len(ELEMENTS):
            raise ValueError(f"expected {len(ELEMENTS)} scores, got {len(scores)}")
        for position, score in enumerate(scores):
            if score not in SCORES:
                raise ValueError(f"score out of range: {score!r}")
            totals[position] += score
        count += 1
    return from_totals(totals, count, weight=weight)


def from_totals(totals: Sequence[int], count: int, *, weight: Fraction = WEIGHT) -> IkmResult:
    """The index from each element's sum of scores and the number of forms (what a database
    SUM/COUNT gives)."""
    if count == 0:
        elements = [ElementResult(code, str(name), 0, Fraction(0)) for code, name, *_r in ELEMENTS]
        return IkmResult(0, elements, None, None, "", "")
    elements = [
        ElementResult(code, str(name), int(total), Fraction(int(total), count))
        for (code, name, *_r), total in zip(ELEMENTS, totals, strict=True)
    ]
    index = sum((element.average * weight for element in elements), Fraction(0))
    converted = round_half_up(index * CONVERSION)
    letter, label = grade_for(converted)
    return IkmResult(count, elements, index, converted, letter, label)

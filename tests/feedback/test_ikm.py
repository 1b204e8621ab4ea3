"""The index of PermenPANRB 14/2017: worked examples, the grade boundaries, half-up rounding, and
why Loket keeps the weight at exactly 1/9 instead of the printed 0,111.

The regulation's Lampiran gives the formulas (NRR per element, weight = 1 / number of elements
printed as 0,111, IKM × 25) and an empty processing table; no filled-in numeric example was
found in it, so the worked examples come from published SKM tables (see each test).
"""

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest

from feedback import ikm

# Exactly 5000 forms whose every element sums to j: the converted index is then exactly j/200,
# which lets a test land on any two-decimal value or on any x,xx5 half.
FORMS = 5000


def index_of(j: int, *, weight=ikm.WEIGHT) -> ikm.IkmResult:
    return ikm.from_totals([j] * 9, FORMS, weight=weight)


def test_the_nine_elements_in_the_regulations_order_with_its_answer_wording():
    codes = [code for code, *_ in ikm.ELEMENTS]
    names = [str(name) for _code, name, *_ in ikm.ELEMENTS]
    assert codes == ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"]
    assert names == [
        "Persyaratan",
        "Sistem, mekanisme, dan prosedur",
        "Waktu penyelesaian",
        "Biaya/tarif",
        "Produk spesifikasi jenis pelayanan",
        "Kompetensi pelaksana",
        "Perilaku pelaksana",
        "Penanganan pengaduan, saran dan masukan",
        "Sarana dan prasarana",
    ]
    answers = {code: [str(a) for a in options] for code, _n, _q, options in ikm.ELEMENTS}
    assert answers["u1"] == ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]
    assert answers["u4"] == ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]
    assert answers["u8"] == [
        "Tidak ada",
        "Ada tetapi tidak berfungsi",
        "Berfungsi kurang maksimal",
        "Dikelola dengan baik",
    ]
    assert all(len(options) == 4 for *_rest, options in ikm.ELEMENTS)


def test_a_published_disdukcapil_table_all_answers_four_is_100_sangat_baik():
    """Disdukcapil Kabupaten Tulang Bawang Barat, SKM 2023 semester 1, "Pengolahan data survei
    kepuasan masyarakat per responden dan per unsur pelayanan"
    (https://e-smile.tubaba.go.id/main/skm/laporan/online): one respondent answering 4 on
    U1..U9; NRR per element 4; IKM unit pelayanan 100 (Sangat Baik)."""
    result = ikm.compute([[4] * 9])
    assert [e.average for e in result.elements] == [4] * 9
    assert result.index == 4
    assert result.converted == Decimal("100.00")
    assert (result.grade, result.grade_label) == ("A", "Sangat baik")
    # The printed weight 0,111 would not reproduce the published 100: 36 × 0,111 × 25 = 99,90.
    assert ikm.compute([[4] * 9], weight=ikm.PRINTED_WEIGHT).converted == Decimal("99.90")


SEKADAU_FIRST_TEN = [
    [2, 2, 3, 4, 3, 4, 4, 4, 3],
    [3, 3, 2, 3, 3, 3, 3, 2, 3],
    [3, 3, 3, 4, 4, 3, 3, 3, 4],
    [2, 2, 4, 4, 4, 4, 3, 4, 3],
    [3, 3, 2, 3, 3, 3, 3, 2, 3],
    [3, 3, 3, 4, 3, 3, 3, 3, 4],
    [3, 3, 3, 3, 3, 3, 3, 2, 4],
    [3, 4, 3, 3, 3, 4, 4, 3, 4],
    [3, 3, 3, 3, 3, 3, 3, 3, 3],
    [3, 2, 3, 4, 4, 4, 4, 4, 3],
]


def test_a_worked_example_by_hand_on_published_answers():
    """Respondents 1-10 of the table "Pengolahan data survei kepuasan masyarakat per responden
    dan per unsur pelayanan", Kabupaten Sekadau, semester I 2019
    (https://sekadaukab.go.id/index.php/artikel/baca/923/NILAI-HASIL-SURVEY-KEPUASAN-MASYARAKAT-SEMESTER-I-2019.html),
    worked by hand with the regulation's formulas:

      sum per element   28 28 29 35 33 34 33 30 34          (total 284)
      NRR per element   2,8 2,8 2,9 3,5 3,3 3,4 3,3 3,0 3,4
      IKM               284 / 10 × 1/9 = 3,1555…
      × 25              78,888… → 78,89 → B (Baik: 76,61 – 88,30)
      with 0,111        28,4 × 0,111 = 3,1524 × 25 = 78,81
    """
    result = ikm.compute(SEKADAU_FIRST_TEN)
    assert [e.total for e in result.elements] == [28, 28, 29, 35, 33, 34, 33, 30, 34]
    assert [e.average_rounded for e in result.elements] == [
        Decimal(v) for v in ("2.80", "2.80", "2.90", "3.50", "3.30", "3.40", "3.30", "3.00", "3.40")
    ]
    assert result.index == Fraction(284, 90)
    assert result.converted == Decimal("78.89")
    assert result.grade == "B"
    printed = ikm.compute(SEKADAU_FIRST_TEN, weight=ikm.PRINTED_WEIGHT)
    assert printed.converted == Decimal("78.81")


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        ("25.00", "D"),
        ("64.99", "D"),
        ("65.00", "C"),
        ("76.60", "C"),
        ("76.61", "B"),
        ("88.30", "B"),
        ("88.31", "A"),
        ("100.00", "A"),
    ],
)
def test_the_grade_table_boundaries(value, grade):
    assert ikm.grade_for(Decimal(value))[0] == grade
    # The same values reached through the whole computation (j/200 = value).
    j = int(Decimal(value) * 200)
    result = index_of(j)
    assert result.converted == Decimal(value)
    assert result.grade == grade


def test_the_grade_labels():
    labels = {letter: str(label) for _lower, letter, label in ikm.GRADES}
    assert labels == {"A": "Sangat baik", "B": "Baik", "C": "Kurang baik", "D": "Tidak baik"}


@pytest.mark.parametrize(
    ("j", "expected", "grade"),
    [
        (15321, "76.61", "B"),  # exactly 76,605: half-up → 76,61 (round-half-even gives 76,60, C)
        (17661, "88.31", "A"),  # exactly 88,305 → 88,31 (half-even 88,30, B)
        (12999, "65.00", "C"),  # exactly 64,995 → 65,00
        (15201, "76.01", "C"),  # exactly 76,005 → 76,01
    ],
)
def test_halves_round_up_and_the_grade_reads_the_rounded_value(j, expected, grade):
    exact = Fraction(j, 200)
    assert index_of(j).index * 25 == exact
    result = index_of(j)
    assert result.converted == Decimal(expected)
    assert result.grade == grade


def test_banker_rounding_would_have_graded_76_605_as_c():
    """Python's round() and Decimal's default round halves to even: 76,605 → 76,60 (C)."""
    assert (Decimal(15321) / 200).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN) == Decimal(
        "76.60"
    )
    assert index_of(15321).converted == Decimal("76.61")


def test_the_printed_weight_0_111_changes_a_grade():
    """0,111 × 9 = 0,999: every index comes out 0,1 % low, enough to drop a boundary case."""
    assert ikm.WEIGHT == Fraction(1, 9)
    assert ikm.WEIGHT * 9 == 1
    assert ikm.PRINTED_WEIGHT * 9 == Fraction(999, 1000)
    exact, printed = index_of(17662), index_of(17662, weight=ikm.PRINTED_WEIGHT)
    assert (exact.converted, exact.grade) == (Decimal("88.31"), "A")
    assert (printed.converted, printed.grade) == (Decimal("88.22"), "B")


def test_no_forms_no_index():
    result = ikm.compute([])
    assert result.empty and result.converted is None and result.grade == ""


@pytest.mark.parametrize("bad", [[0] + [4] * 8, [5] * 9, [4] * 8, ["4"] * 9])
def test_scores_outside_1_to_4_or_missing_are_refused(bad):
    with pytest.raises(ValueError):
        ikm.compute([bad])

"""NIK and No. KK parsing: shape, region, encoded birth date and sex, serial, messages."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from hypothesis import assume, example, given
from hypothesis import strategies as st

from population import selectors
from population.nik import (
    FEMALE,
    MALE,
    NikFacts,
    declared_problems,
    parse_kk,
    parse_nik,
)
from population.services import validate_kk, validate_nik

KNOWN_REGIONS = frozenset({"647101", "647105", "320101"})
TODAY = date(2026, 11, 24)


def region_exists(code: str) -> bool:
    return code in KNOWN_REGIONS


def parse(value, today: date = TODAY):
    return parse_nik(value, today=today, region_exists=region_exists)


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def encode(region: str, birth_date: date, sex: str, serial: str) -> str:
    day = birth_date.day + (40 if sex == FEMALE else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial}"


regions = st.sampled_from(sorted(KNOWN_REGIONS))
sexes = st.sampled_from([MALE, FEMALE])
serials = st.integers(min_value=1, max_value=9999).map(lambda n: f"{n:04d}")
todays = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
ascii_digits = st.characters(min_codepoint=ord("0"), max_codepoint=ord("9"))


def a_hundred_years_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 100)
    except ValueError:  # 29 February in a year whose century-earlier twin is not leap
        return day.replace(year=day.year - 100, day=28)


# --- valid NIKs ---------------------------------------------------------------------------------


@given(today=todays, region=regions, sex=sexes, serial=serials, data=st.data())
def test_a_well_formed_nik_parses_and_round_trips_sex_and_birth_date(
    today, region, sex, serial, data
):
    born = data.draw(st.dates(min_value=a_hundred_years_before(today), max_value=today))
    # Two digits of year only identify a birth date within the hundred years ending today.
    assume(born.year >= 2000 or born.replace(year=born.year + 100) > today)
    nik = encode(region, born, sex, serial)

    facts, problems = parse(nik, today=today)

    assert problems == []
    assert facts == NikFacts(nik=nik, region_code=region, birth_date=born, sex=sex, serial=serial)


@given(
    today=todays,
    region=regions,
    serial=serials,
    day=st.one_of(st.integers(1, 31), st.integers(41, 71)),
    month=st.integers(1, 12),
    yy=st.integers(0, 99),
)
def test_a_parsed_birth_date_is_never_after_today_and_follows_the_century_rule(
    today, region, serial, day, month, yy
):
    ddmmyy = f"{day:02d}{month:02d}{yy:02d}"
    facts, problems = parse(region + ddmmyy + serial, today=today)
    assume(facts is not None)

    assert problems == []
    born = facts.birth_date
    assert born <= today
    assert facts.sex == (FEMALE if day > 40 else MALE)
    assert born.day == (day - 40 if day > 40 else day)
    assert born.month == month
    assert born.year % 100 == yy
    # 20YY unless that date is still to come, else 19YY.
    if born.year == 1900 + yy:
        assert date(2000 + yy, month, born.day) > today
    else:
        assert born.year == 2000 + yy


@pytest.mark.parametrize(
    ("ddmmyy", "expected"),
    [
        ("241126", date(2026, 11, 24)),  # born today: this century
        ("231126", date(2026, 11, 23)),  # yesterday
        ("251126", date(1926, 11, 25)),  # tomorrow in 2026 is impossible: 1926
        ("011226", date(1926, 12, 1)),
        ("311025", date(2025, 10, 31)),
        ("010127", date(1927, 1, 1)),
        ("010100", date(2000, 1, 1)),
        ("311299", date(1999, 12, 31)),
        ("290200", date(2000, 2, 29)),  # 2000 is a leap year (1900 was not)
        ("290296", date(1996, 2, 29)),  # 2096 is still to come
        ("290224", date(2024, 2, 29)),
        ("640726", date(2026, 7, 24)),  # a girl, born this year
    ],
)
def test_the_century_is_this_one_unless_that_date_is_still_to_come(ddmmyy, expected):
    facts, problems = parse(f"647105{ddmmyy}0001")

    assert problems == []
    assert facts.birth_date == expected


def test_the_century_boundary_moves_with_today():
    nik = "6471052511260001"  # 25 November 26

    before, _ = parse(nik, today=date(2026, 11, 24))
    on_the_day, _ = parse(nik, today=date(2026, 11, 25))

    assert before.birth_date == date(1926, 11, 25)
    assert on_the_day.birth_date == date(2026, 11, 25)


@pytest.mark.parametrize(
    ("ddmmyy", "sex", "born"),
    [
        ("010790", MALE, date(1990, 7, 1)),
        ("410790", FEMALE, date(1990, 7, 1)),
        ("310190", MALE, date(1990, 1, 31)),
        ("710190", FEMALE, date(1990, 1, 31)),
        ("690292", FEMALE, date(1992, 2, 29)),
    ],
)
def test_forty_is_added_to_the_day_for_women(ddmmyy, sex, born):
    facts, problems = parse(f"320101{ddmmyy}0042")

    assert problems == []
    assert (facts.sex, facts.birth_date, facts.serial) == (sex, born, "0042")


@pytest.mark.parametrize(
    "value",
    [
        "6471 0541 0790 0001",
        " 6471054107900001 ",
        "647105 410790 0001",
        "6471\t0541\n0790\u00a00001",
        "64 71 05 41 07 90 00 01",
    ],
)
def test_whitespace_inside_the_number_is_tolerated(value):
    facts, problems = parse(value)

    assert problems == []
    assert facts.nik == "6471054107900001"


def test_a_number_that_is_not_a_string_is_read_as_its_digits():
    facts, problems = parse(6471054107900001)

    assert problems == []
    assert facts.nik == "6471054107900001"


def test_the_region_check_is_asked_about_the_first_six_digits():
    asked = []

    def recording(code):
        asked.append(code)
        return True

    parse_nik("6471054107900001", today=TODAY, region_exists=recording)

    assert asked == ["647105"]


# --- invalid NIKs -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "   ", None, "\n\t"])
def test_an_empty_nik_is_required(value):
    facts, problems = parse(value)

    assert facts is None
    assert codes(problems) == ["nik_required"]
    assert problems[0].field == "nik"


@pytest.mark.parametrize(
    "value",
    [
        "647105410790000A",
        "6471-0541-0790-0001",
        "6471.05.410790.0001",
        "+647105410790001",
        "-647105410790001",
        "６４７１０５４１０７９００００１",  # full-width digits
        "٦٤٧١٠٥٤١٠٧٩٠٠٠٠١",  # Arabic-Indic digits
        "64710541079000²1",
        "NIK6471054107900001",
    ],
)
def test_a_nik_with_anything_but_ascii_digits_is_rejected(value):
    facts, problems = parse(value)

    assert facts is None
    assert codes(problems) == ["nik_not_digits"]


def has_a_non_digit(value: str) -> bool:
    cleaned = "".join(value.split())
    return bool(cleaned) and not (cleaned.isascii() and cleaned.isdigit())


@given(st.text(min_size=1, max_size=30).filter(has_a_non_digit))
@example("6471054107900001\u0660")
def test_any_text_with_a_non_digit_is_not_digits(value):
    facts, problems = parse(value)

    assert facts is None
    assert codes(problems) == ["nik_not_digits"]


@given(st.text(alphabet=ascii_digits, min_size=1, max_size=40).filter(lambda s: len(s) != 16))
@example("647105410790001")
@example("64710541079000011")
def test_a_nik_of_the_wrong_length_says_how_many_digits_were_entered(value):
    facts, problems = parse(value)

    assert facts is None
    assert codes(problems) == ["nik_length"]
    assert problems[0].params == {"count": len(value)}
    with translation.override("id"):
        assert problems[0].message == f"NIK harus 16 angka; yang diisi {len(value)} angka."


@pytest.mark.parametrize("region", ["999999", "000000", "647199", "320100"])
def test_an_unknown_region_is_rejected(region):
    facts, problems = parse(f"{region}410790" + "0001")

    assert facts is None
    assert codes(problems) == ["nik_region_unknown"]
    assert problems[0].params == {"code": region}


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "310290",  # 31 February
        "300290",  # 30 February
        "290201",  # 29 February in a year that is not leap (2001 nor 1901)
        "710290",  # 31 February, woman
        "690201",  # 29 February 2001, woman
        "310490",  # 31 April
        "000190",  # day 00
        "400190",  # day 40: neither a man's day nor a woman's
        "320190",  # day 32
        "350190",
        "390190",
        "720190",  # a woman's day 32
        "990190",
        "150090",  # month 00
        "151390",  # month 13
        "159990",  # month 99
        "000000",
    ],
)
def test_a_birth_date_that_is_not_a_calendar_date_is_rejected(ddmmyy):
    facts, problems = parse(f"647105{ddmmyy}0001")

    assert facts is None
    assert codes(problems) == ["nik_birth_date_invalid"]
    assert problems[0].params == {"digits": ddmmyy}


@given(
    day=st.one_of(st.just(0), st.integers(32, 40), st.integers(72, 99)),
    month=st.integers(0, 99),
    yy=st.integers(0, 99),
)
def test_impossible_days_are_always_invalid(day, month, yy):
    facts, problems = parse(f"647105{day:02d}{month:02d}{yy:02d}0001")

    assert facts is None
    assert codes(problems) == ["nik_birth_date_invalid"]


@given(
    day=st.integers(1, 71).filter(lambda d: d != 40),
    month=st.one_of(st.just(0), st.integers(13, 99)),
    yy=st.integers(0, 99),
)
def test_impossible_months_are_always_invalid(day, month, yy):
    facts, problems = parse(f"647105{day:02d}{month:02d}{yy:02d}0001")

    assert facts is None
    assert codes(problems) == ["nik_birth_date_invalid"]


def test_serial_0000_is_rejected():
    facts, problems = parse("6471054107900000")

    assert facts is None
    assert codes(problems) == ["nik_serial_invalid"]


def test_all_content_problems_are_reported_together():
    facts, problems = parse("9999993102900000")

    assert facts is None
    assert codes(problems) == ["nik_region_unknown", "nik_birth_date_invalid", "nik_serial_invalid"]
    assert {p.field for p in problems} == {"nik"}


def test_problems_carry_the_field_name_they_were_asked_for():
    _, problems = parse_nik("", today=TODAY, region_exists=region_exists, field_name="nik_ayah")

    assert problems[0].field == "nik_ayah"
    assert problems[0].as_dict()["field"] == "nik_ayah"


@given(st.text(max_size=40))
@example("9999994107900001")
@example("9999991234560001")
def test_arbitrary_text_never_raises(value):
    facts, problems = parse(value)

    assert (facts is None) == bool(problems)
    for p in problems:
        assert isinstance(p.message, str)
        assert p.as_dict()["code"] == p.code
    number, kk_problems = parse_kk(value, region_exists=region_exists)
    assert (number is None) == bool(kk_problems)


@given(st.text(alphabet=st.sampled_from("0123456789 \t"), max_size=40))
def test_arbitrary_digit_and_space_strings_never_raise(value):
    facts, problems = parse(value)

    assert (facts is None) == bool(problems)
    if facts is not None:
        assert facts.birth_date <= TODAY


# --- declared sex and birth date ----------------------------------------------------------------


def woman_born_1_july_1990() -> NikFacts:
    facts, _ = parse("6471054107900001")
    return facts


def test_declared_values_that_agree_with_the_nik_are_fine():
    facts = woman_born_1_july_1990()

    assert declared_problems(facts, sex=FEMALE, birth_date=date(1990, 7, 1)) == []
    assert declared_problems(facts) == []
    assert declared_problems(facts, sex="", birth_date=None) == []


def test_a_declared_sex_that_disagrees_with_the_nik_is_a_mismatch():
    problems = declared_problems(woman_born_1_july_1990(), sex=MALE)

    assert codes(problems) == ["nik_sex_mismatch"]
    assert problems[0].field == "sex"
    with translation.override("id"):
        assert problems[0].message == (
            "Jenis kelamin tidak sesuai dengan NIK: NIK ini milik perempuan."
        )


def test_a_declared_male_nik_names_laki_laki():
    facts, _ = parse("3201011203850002")

    problems = declared_problems(facts, sex=FEMALE)

    with translation.override("id"):
        assert problems[0].message.endswith("NIK ini milik laki-laki.")


def test_a_declared_birth_date_that_disagrees_with_the_nik_is_a_mismatch():
    problems = declared_problems(woman_born_1_july_1990(), birth_date=date(1990, 7, 2))

    assert codes(problems) == ["nik_birth_date_mismatch"]
    assert problems[0].field == "birth_date"
    with translation.override("id"):
        assert problems[0].message == (
            "Tanggal lahir tidak sesuai dengan NIK: menurut NIK, tanggal lahirnya 1 Juli 1990."
        )


def test_both_mismatches_are_reported():
    problems = declared_problems(woman_born_1_july_1990(), sex=MALE, birth_date=date(1991, 7, 1))

    assert codes(problems) == ["nik_sex_mismatch", "nik_birth_date_mismatch"]


# --- No. KK -------------------------------------------------------------------------------------


@given(region=regions, rest=st.text(alphabet=ascii_digits, min_size=10, max_size=10))
def test_a_kk_of_16_digits_from_a_known_region_is_accepted(region, rest):
    number, problems = parse_kk(region + rest, region_exists=region_exists)

    assert problems == []
    assert number == region + rest


def test_a_kk_tolerates_spaces():
    number, problems = parse_kk(" 6471 0512 3456 0001 ", region_exists=region_exists)

    assert problems == []
    assert number == "6471051234560001"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "kk_required"),
        (None, "kk_required"),
        ("64710512345600x1", "kk_not_digits"),
        ("647105123456001", "kk_length"),
        ("9999991234560001", "kk_region_unknown"),
    ],
)
def test_a_bad_kk_is_rejected(value, code):
    number, problems = parse_kk(value, region_exists=region_exists)

    assert number is None
    assert codes(problems) == [code]
    assert problems[0].field == "no_kk"


# --- messages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "NIK wajib diisi."),
        ("64710541079OOOO1", "NIK hanya boleh berisi angka."),
        ("647105410790001", "NIK harus 16 angka; yang diisi 15 angka."),
        (
            "9999994107900001",
            "Enam angka pertama NIK (999999) bukan kode kecamatan yang ada di Indonesia.",
        ),
        (
            "6471053102900001",
            "Angka ke-7 sampai ke-12 NIK (310290) bukan tanggal lahir yang benar.",
        ),
        ("6471054107900000", "Empat angka terakhir NIK tidak boleh 0000."),
    ],
)
def test_it_speaks_indonesian(value, message):
    _, problems = parse(value)

    with translation.override("id"):
        assert problems[0].message == message
        assert problems[0].as_dict() == {
            "code": problems[0].code,
            "message": message,
            "field": "nik",
        }


def test_it_speaks_english_in_a_message_made_while_indonesian_was_active():
    with translation.override("id"):
        _, problems = parse("")
        assert problems[0].message == "NIK wajib diisi."

    with translation.override("en"):
        assert problems[0].message == "NIK is required."


def test_it_speaks_english_when_the_nik_is_missing():
    _, problems = parse("")

    with translation.override("en"):
        assert problems[0].message == "NIK is required."


def test_it_speaks_english_about_the_length():
    _, problems = parse("647105410790001")

    with translation.override("en"):
        assert problems[0].message == "A NIK has 16 digits; 15 were entered."


def test_it_speaks_english_about_an_unknown_region():
    _, problems = parse("9999994107900001")

    with translation.override("en"):
        assert "not a kecamatan code in Indonesia" in problems[0].message
        assert "999999" in problems[0].message


def test_it_speaks_english_about_a_sex_mismatch():
    problems = declared_problems(woman_born_1_july_1990(), sex=MALE)

    with translation.override("en"):
        assert problems[0].message == "Sex does not match the NIK: this NIK belongs to a female."


# --- against the region data in the database ----------------------------------------------------


@pytest.fixture
def fresh_region_cache():
    selectors._district_codes.cache_clear()
    yield
    selectors._district_codes.cache_clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_region_cache")
class TestAgainstTheLoadedRegions:
    def test_a_balikpapan_nik_is_valid(self):
        facts, problems = validate_nik("6471054107900001")

        assert problems == []
        assert facts.region_code == "647105"  # Balikpapan Selatan
        assert facts.sex == FEMALE
        assert facts.birth_date == date(1990, 7, 1)

    def test_a_nik_first_issued_in_another_province_is_valid(self):
        facts, problems = validate_nik("3201011203850002")  # Cibinong, Kabupaten Bogor

        assert problems == []
        assert facts.region_code == "320101"
        assert facts.sex == MALE
        assert facts.birth_date == date(1985, 3, 12)

    def test_a_prefix_that_is_no_kecamatan_is_rejected(self):
        facts, problems = validate_nik("9999994107900001")

        assert facts is None
        assert codes(problems) == ["nik_region_unknown"]

    def test_a_regency_code_padded_with_zeros_is_not_a_kecamatan(self):
        _, problems = validate_nik("6471004107900001")

        assert codes(problems) == ["nik_region_unknown"]

    def test_the_field_name_is_passed_through(self):
        _, problems = validate_nik("", field_name="nik_ibu")

        assert problems[0].field == "nik_ibu"

    def test_validate_nik_dates_against_the_local_today(self):
        soon = timezone.localdate() + timedelta(days=2)
        if (soon.month, soon.day) == (2, 29):
            soon += timedelta(days=1)
        ddmmyy = f"{soon.day:02d}{soon.month:02d}{soon.year % 100:02d}"

        facts, problems = validate_nik(f"647105{ddmmyy}0001")

        assert problems == []
        assert facts.birth_date == soon.replace(year=soon.year - 100)

    def test_a_kk_from_anywhere_in_indonesia_is_valid(self):
        assert validate_kk("3201011234560001") == ("3201011234560001", [])
        assert validate_kk("6471051234560001") == ("6471051234560001", [])
        assert [p.code for p in validate_kk("9999991234560001")[1]] == ["kk_region_unknown"]

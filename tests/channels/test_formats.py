"""The seed offices' chat formats: read tolerantly, checked as the web checks, desa names with
typos matched to Balikpapan's region data, and never an exception whatever the text."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.formats import (
    ParsedRequest,
    clean_value,
    looks_like_format,
    match_village,
    parse_message,
    split_place,
)
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK

pytestmark = pytest.mark.django_db

CHILD_2023_NIK = "6471051503230003"  # Balikpapan Selatan, male, born 15 March 2023
SEPINGGAN = "6471051002"


def codes(result) -> list[str]:
    assert isinstance(result, list), result
    return [p.code for p in result]


# --- whole messages --------------------------------------------------------------------------


def test_it_reads_a_ktp_message_and_takes_sex_and_birth_date_from_the_nik():
    parsed = parse_message(
        f"#KTP#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti Aminah#Sepinggan#"
        "Balikpapan Selatan#HILANG#"
    )
    assert parsed == ParsedRequest(
        service="KTP",
        variant="HILANG",
        data={
            "nik": BALIKPAPAN_WOMAN_NIK,
            "no_kk": BALIKPAPAN_KK,
            "name": "Siti Aminah",
            "village": SEPINGGAN,
            "sex": "P",
            "birth_date": "1990-07-01",
        },
        derived=("sex", "birth_date"),
    )


@pytest.mark.parametrize(
    "text",
    [
        f"  #ktp # {BALIKPAPAN_WOMAN_NIK} #{BALIKPAPAN_KK}#  siti   aminah #sepinggan# "
        "kec. balikpapan selatan # hilang",
        f"#KTP#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti Aminah#SEPINGGAN#BALIKPAPAN SELATAN"
        "#Hilang##",
        "#KTP#6471 0541 0790 0001#6471.0501.0110.0003#Siti Aminah#Sepinggan#Selatan#hilang#",
        f"#KTP#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti\nAminah#Kel. Sepinggan#"
        "Kecamatan Balikpapan Selatan#HILANG#",
        f"Halo kak, #KTP#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti Aminah#Sepinggan#"
        "Balikpapan Selatan#HILANG#",
        f"KTP#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti Aminah#Sepinggan#"
        "Balikpapan Selatan#HILANG",
    ],
)
def test_case_spaces_separators_and_a_missing_trailing_hash_are_forgiven(text):
    assert looks_like_format(text)
    parsed = parse_message(text)
    assert isinstance(parsed, ParsedRequest), parsed
    assert (parsed.service, parsed.variant) == ("KTP", "HILANG")
    assert parsed.data["village"] == SEPINGGAN
    assert parsed.data["nik"] == BALIKPAPAN_WOMAN_NIK
    assert parsed.data["no_kk"] == BALIKPAPAN_KK
    assert parsed.data["name"] == ("siti aminah" if "siti   aminah" in text else "Siti Aminah")


@pytest.mark.parametrize(
    "word,variant",
    [("PEMULA", "PEMULA"), ("baru", "PEMULA"), ("Rusak", "RUSAK"), ("perubahan", "PERUBAHAN")],
)
def test_every_ktp_variant_is_understood(word, variant):
    parsed = parse_message(
        f"#KTP#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti#Sepinggan#Balikpapan Selatan#{word}#"
    )
    assert parsed.variant == variant


def test_it_reads_kia_kk_skpwni_and_skdwni_messages():
    kia = parse_message(
        f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi Santoso#Sepinggan#Balikpapan Selatan"
    )
    assert (kia.service, kia.variant) == ("KIA", None)
    assert kia.data["sex"] == "L" and kia.data["birth_date"] == "2023-03-15"

    kk = parse_message(f"#KK#{BALIKPAPAN_KK}#Ahmad Yani#Damai#Balikpapan Kota#")
    assert (kk.service, kk.variant) == ("KK", None)  # the variant is asked for afterwards
    assert kk.data == {"no_kk": BALIKPAPAN_KK, "name": "Ahmad Yani", "village": "6471061005"}
    assert (
        parse_message(f"#KK#{BALIKPAPAN_KK}#Ahmad Yani#Damai#Balikpapan Kota#baru#").variant
        == "BARU"
    )

    move = parse_message(
        f"#SKPWNI#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti Aminah#Jl. Merdeka 5, Samarinda#"
    )
    assert move.service == "SKPWNI"
    assert move.data["destination_address"] == "Jl. Merdeka 5, Samarinda"

    for code in ("SKDWN", "SKDWNI", "skdwni"):
        arrival = parse_message(f"#{code}#SKPWNI/6472/2026/0012#Pindah kerja")
        assert arrival.service == "SKDWNI"
        assert arrival.data == {"skpwni_number": "SKPWNI/6472/2026/0012", "purpose": "Pindah kerja"}


def test_a_wrong_field_count_names_the_fields_in_order():
    result = parse_message(f"#KTP#{BALIKPAPAN_WOMAN_NIK}#Siti#Sepinggan#HILANG#")
    assert codes(result) == ["format_count"]
    message = result[0].message
    assert "#KTP#NIK#NO_KK#NAMA#DESA#KECAMATAN#" in message
    assert "PEMULA/HILANG/RUSAK/PERUBAHAN" in message
    assert "4" in message and "6" in message
    too_many = parse_message("#SKDWNI#123#pindah#extra#")
    assert codes(too_many) == ["format_count"]
    assert "#SKDWNI#NO-SKPWNI#KEPERLUAN#" in too_many[0].message


def test_letters_in_the_nik_or_kk_get_the_web_forms_messages():
    result = parse_message(
        "#KIA#64710515O3230003#647105010110000A#Budi#Sepinggan#Balikpapan Selatan#"
    )
    assert codes(result) == ["nik_not_digits", "kk_not_digits"]
    assert result[0].message == "NIK hanya boleh berisi angka."
    short = parse_message("#KIA#647105#6471050101100003#Budi#Sepinggan#Balikpapan Selatan#")
    assert codes(short) == ["nik_length"]
    bad_date = parse_message(
        "#KIA#6471059913230003#6471050101100003#Budi#Sepinggan#Balikpapan Selatan#"
    )
    assert codes(bad_date) == ["nik_birth_date_invalid"]


def test_unknown_services_and_variants_are_named():
    unknown = parse_message("#SIM#123#")
    assert codes(unknown) == ["format_service_unknown"]
    assert "SIM" in unknown[0].message and "KTP, KIA, KK, SKPWNI, SKDWNI" in unknown[0].message
    assert codes(parse_message("#AKL#1#2#")) == ["format_service_guided_only"]
    wrong_variant = parse_message(
        f"#KTP#{BALIKPAPAN_WOMAN_NIK}#{BALIKPAPAN_KK}#Siti#Sepinggan#Balikpapan Selatan#HILANGG#"
    )
    assert codes(wrong_variant) == ["format_variant_unknown"]
    assert "PEMULA, HILANG, RUSAK, PERUBAHAN" in wrong_variant[0].message


def test_a_bad_name_is_refused():
    result = parse_message(
        f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi 😀#Sepinggan#Balikpapan Selatan#"
    )
    assert codes(result) == ["name_letters"]
    assert codes(parse_message(f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}##Sepinggan#Selatan#")) == [
        "field_required"
    ]


# --- desa and kecamatan ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "desa,kecamatan,code",
    [
        ("sepingan", "Balikpapan Selatan", SEPINGGAN),
        ("Sepinggan", "balikpapan selatn", SEPINGGAN),
        ("SEPINGAN", "Kec. Selatan", SEPINGGAN),
        ("Sepinggan Raya", "Balikpapan Utara", "6471051009"),  # unique desa, wrong kecamatan
        ("Sungai Nangka", "Balikpapan Selatan", "6471051010"),
        ("Klandasan Ilr", "Balikpapan Kota", "6471061004"),
        ("Damai", "Kota", "6471061005"),
        ("Damai Bahagya", "", "6471051012"),
        ("Gunung Samarinda", "Utara", "6471031002"),  # exact beats "… Baru"
        ("Karang Jatti", "Balikpapan Tengah", "6471041004"),
        ("desa Manggar Baru", "Balikpapan Timur", "6471011004"),
    ],
)
def test_desa_names_with_small_typos_are_matched(desa, kecamatan, code):
    match = match_village(desa, kecamatan)
    assert match.village is not None, match.problems
    assert match.village.code == code


def test_an_ambiguous_desa_asks_back_with_at_most_three_candidates():
    match = match_village("Gunung Sari", "Balikpapan Tengah")
    assert match.village is None
    assert [v.name for v in match.candidates] == ["Gunung Sari Ilir", "Gunung Sari Ulu"]
    assert "Gunung Sari Ulu (Kec. Balikpapan Tengah)" in match.problems[0].message

    karang = match_village("Karang", "")
    assert len(karang.candidates) == 3
    assert karang.problems[0].code == "village_ambiguous"

    parsed = parse_message(f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi#Klandasan#Balikpapan Kota")
    assert isinstance(parsed, ParsedRequest)
    assert "village" not in parsed.data
    assert [code for code, _label in parsed.village_choices] == ["6471061004", "6471061003"]
    assert parsed.ask.code == "village_ambiguous"


def test_an_unknown_desa_or_kecamatan_is_said_so():
    inside = match_village("Menteng", "Balikpapan Selatan")
    assert [p.code for p in inside.problems] == ["village_not_found"]
    assert "Kec. Balikpapan Selatan" in inside.problems[0].message
    nowhere = match_village("Menteng", "Gambir")
    assert [p.code for p in nowhere.problems] == ["district_not_found", "village_not_found"]
    assert "Kota Balikpapan" in nowhere.problems[0].message
    result = parse_message(f"#KIA#{CHILD_2023_NIK}#{BALIKPAPAN_KK}#Budi#Menteng#Gambir#")
    assert codes(result) == ["district_not_found", "village_not_found"]


def test_a_place_answer_is_split_into_desa_and_kecamatan():
    assert split_place("Sepinggan, Balikpapan Selatan") == ("Sepinggan", "Balikpapan Selatan")
    assert split_place("Sepinggan kec. Balikpapan Selatan") == (
        "Sepinggan",
        "kec. Balikpapan Selatan",
    )
    assert split_place("  Sepinggan  ") == ("Sepinggan", "")


# --- single answers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key,raw,value",
    [
        ("sex", "Laki-laki", "L"),
        ("sex", "p", "P"),
        ("birth_date", "17-08-1990", "1990-08-17"),
        ("birth_date", "17 Agustus 1990", "1990-08-17"),
        ("birth_date", "1990-08-17", "1990-08-17"),
        ("name", "  Moh.  Ali'  ", "Moh. Ali'"),
        ("father_nik", "6471054107900001", "6471054107900001"),
    ],
)
def test_single_answers_are_cleaned(key, raw, value):
    assert clean_value(key, raw) == (value, [])


@pytest.mark.parametrize(
    "key,raw,code",
    [
        ("sex", "x", "sex_unknown"),
        ("birth_date", "31-02-1990", "date_invalid"),
        ("birth_date", "01-01-2999", "date_future"),
        ("address", "x" * 201, "field_too_long"),
        ("name", "", "field_required"),
        ("nik", "abc", "nik_not_digits"),
    ],
)
def test_bad_single_answers_say_why(key, raw, code):
    value, problems = clean_value(key, raw)
    assert value is None and [p.code for p in problems] == [code]


# --- never an exception ----------------------------------------------------------------------

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
pieces = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["KTP", "kia", "KK", "SKPWNI", "skdwn", "HILANG", "Sepinggan", "Selatan", "", " ", "😀"]
    ),
    st.from_regex(r"[0-9 .\-]{0,20}", fullmatch=True),
)


@FUZZ
@given(st.text(max_size=400))
def test_any_text_parses_without_an_exception(text):
    result = parse_message(text)
    assert isinstance(result, ParsedRequest | list)
    if isinstance(result, list):
        assert result and all(p.message for p in result)


@FUZZ
@given(st.lists(pieces, max_size=9), st.booleans(), st.booleans())
def test_any_hash_separated_message_parses_without_an_exception(parts, lead, trail):
    text = ("#" if lead else "") + "#".join(parts) + ("#" if trail else "")
    result = parse_message(text)
    if isinstance(result, list):
        assert result and all(p.message for p in result)
    else:
        assert result.service in {"KTP", "KIA", "KK", "SKPWNI", "SKDWNI"}


@FUZZ
@given(st.text(max_size=60), st.text(max_size=60))
def test_any_place_matches_without_an_exception(desa, kecamatan):
    match = match_village(desa, kecamatan)
    assert match.village is not None or match.candidates or match.problems


@FUZZ
@given(
    st.sampled_from(["nik", "no_kk", "name", "sex", "birth_date", "address", "purpose"]),
    st.text(max_size=300),
)
def test_any_single_answer_is_cleaned_without_an_exception(key, raw):
    value, problems = clean_value(key, raw)
    assert (value is None) == bool(problems)

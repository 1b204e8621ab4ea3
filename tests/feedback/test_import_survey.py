"""`manage.py import_survey FILE.csv`: paper forms in, per-element averages and the IKM out; bad
rows reported by line, and then nothing loads."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from feedback import ikm
from feedback.models import SurveyResponse
from tests.feedback.test_ikm import SEKADAU_FIRST_TEN

pytestmark = pytest.mark.django_db

HEADER = "respondent,date,service,u1,u2,u3,u4,u5,u6,u7,u8,u9\n"


def csv_of(rows, *, service="KTP", date="2026-11-20") -> str:
    lines = [f"P-{n:03d},{date},{service}," + ",".join(map(str, scores)) for n, scores in rows]
    return HEADER + "\n".join(lines) + "\n"


@pytest.fixture
def write(tmp_path):
    def to_file(text: str, name="survei.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return to_file


def run(path):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_survey", path, stdout=out, stderr=err)
    except CommandError as error:  # from the command line: the message and exit status 1
        return error.returncode, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


def test_a_good_file_loads_and_prints_each_average_then_the_index(write):
    path = write(csv_of(enumerate(SEKADAU_FIRST_TEN, start=1)))
    code, out, _err = run(path)
    assert code == 0
    assert SurveyResponse.objects.filter(channel="paper").count() == 10
    lines = out.strip().splitlines()
    assert lines[0] == "10 form(s) loaded"
    assert lines[1:10] == [
        "U1 Persyaratan: 2,80",
        "U2 Sistem, mekanisme, dan prosedur: 2,80",
        "U3 Waktu penyelesaian: 2,90",
        "U4 Biaya/tarif: 3,50",
        "U5 Produk spesifikasi jenis pelayanan: 3,30",
        "U6 Kompetensi pelaksana: 3,40",
        "U7 Perilaku pelaksana: 3,30",
        "U8 Penanganan pengaduan, saran dan masukan: 3,00",
        "U9 Sarana dan prasarana: 3,40",
    ]
    assert lines[10] == "IKM: 78,89 (B, Baik)"
    saved = SurveyResponse.objects.get(respondent="P-001")
    assert saved.scores == SEKADAU_FIRST_TEN[0] and str(saved.answered_on) == "2026-11-20"


def test_columns_in_another_order_and_a_byte_order_mark_are_fine(write, tmp_path):
    text = (
        "\ufeffu9,u8,u7,u6,u5,u4,u3,u2,u1,service,date,respondent\n"
        "4,4,4,4,4,4,4,4,1,kk,2026-11-02,A\n"
    )
    code, out, _err = run(write(text))
    assert code == 0, out
    response = SurveyResponse.objects.get()
    assert response.u1 == 1 and response.u9 == 4 and response.service.code == "KK"


def test_bad_rows_are_each_reported_with_their_line_and_nothing_loads(write):
    text = (
        HEADER
        + "R1,2026-11-20,KTP,4,4,4,4,4,4,4,4,4\n"  # line 2: good
        + "R2,2026-11-20,XYZ,4,4,4,4,4,4,4,4,4\n"  # 3: unknown service
        + "R3,20-11-2026,KTP,4,4,4,4,4,4,4,4,4\n"  # 4: date format
        + "R4,2026-02-30,KTP,4,4,4,4,4,4,4,4,4\n"  # 5: no such day
        + "R5,2026-11-20,KTP,4,4,5,4,4,4,4,4,0\n"  # 6: two scores out of range
        + "R6,2026-11-20,KTP,4,4,4,4,4,4,4,4\n"  # 7: a column short
        + "R1,2026-11-20,KTP,3,3,3,3,3,3,3,3,3\n"  # 8: duplicate of line 2
        + "R7,2026-11-20,KTP,4,4,4,x,4,4,4,4,4\n"  # 9: not a number
    )
    code, _out, err = run(write(text))
    assert code == 1
    assert "line 3: unknown service code 'XYZ'" in err
    assert "line 4: date '20-11-2026' is not a date in YYYY-MM-DD" in err
    assert "line 5: date '2026-02-30' is not a date in YYYY-MM-DD" in err
    assert "line 6: u3 is '5', a score must be 1, 2, 3 or 4" in err
    assert "line 6: u9 is '0', a score must be 1, 2, 3 or 4" in err
    assert "line 7: missing column u9" in err
    assert "line 8: duplicate respondent 'R1' for 2026-11-20 and KTP (also on line 2)" in err
    assert "line 9: u4 is 'x'" in err
    assert "line 2:" not in err
    assert "nothing was loaded" in err
    assert not SurveyResponse.objects.exists()


def test_a_missing_column_in_the_header(write):
    code, _out, err = run(
        write("respondent,date,service,u1,u2,u3,u4,u5,u6,u7,u8\nA,2026-11-20,KTP,4,4,4,4,4,4,4,4\n")
    )
    assert code == 1 and "line 1: missing column(s): u9" in err
    assert not SurveyResponse.objects.exists()


def test_loading_the_same_file_twice_is_refused_the_second_time(write):
    path = write(csv_of([(1, [4] * 9), (2, [3] * 9)]))
    assert run(path)[0] == 0
    code, _out, err = run(path)
    assert (
        code == 1 and "line 2: respondent 'P-001' for 2026-11-20 and KTP was already loaded" in err
    )
    assert SurveyResponse.objects.count() == 2


def test_an_empty_file_and_a_missing_file(write, tmp_path):
    assert run(write(HEADER))[0] == 1
    code, _out, err = run(str(tmp_path / "nope.csv"))
    assert code == 1 and "cannot read" in err


def test_the_printed_figures_are_those_of_the_ikm_module(write):
    rows = [(n, [1 + (n * k) % 4 for k in range(1, 10)]) for n in range(1, 31)]
    code, out, _err = run(write(csv_of(rows)))
    assert code == 0
    expected = ikm.compute(scores for _n, scores in rows)
    assert f"IKM: {str(expected.converted).replace('.', ',')} ({expected.grade}," in out
    assert expected.converted > Decimal("25")

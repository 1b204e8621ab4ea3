import pytest
from django.template import Context, Template

from population.masking import mask_nik


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("6471054107900001", "647105******0001"),
        ("6471050101100003", "647105******0003"),  # a No. KK has the same shape
        (" 6471 0541 0790 0001 ", "647105******0001"),
        ("647105410790", "********0790"),  # malformed: never more than four digits
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_nik_keeps_only_its_kecamatan_and_serial(value, shown):
    assert mask_nik(value) == shown


def test_the_birth_date_and_sex_digits_never_show():
    masked = mask_nik("6471054107900001")
    assert "410790" not in masked and len(masked) == 16


def test_the_template_filter_masks():
    template = Template("{% load masking %}<td>{{ nik|mask_nik }}</td><td>{{ none|mask_nik }}</td>")
    html = template.render(Context({"nik": "6471054107900001", "none": None}))
    assert html == "<td>647105******0001</td><td></td>"

"""Identity checks bound to the loaded region data and the office's calendar."""

from django.utils import timezone

from population.nik import parse_kk, parse_nik
from population.selectors import district_exists


def validate_nik(value, field_name: str = "nik"):
    return parse_nik(
        value, today=timezone.localdate(), region_exists=district_exists, field_name=field_name
    )


def validate_kk(value, field_name: str = "no_kk"):
    return parse_kk(value, region_exists=district_exists, field_name=field_name)

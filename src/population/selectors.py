from functools import lru_cache

from django.conf import settings

from population.models import District, Village


@lru_cache(maxsize=1)
def _district_codes() -> frozenset[str]:
    return frozenset(District.objects.values_list("code", flat=True))


def district_exists(code: str) -> bool:
    """Whether a 6-digit kecamatan code exists anywhere in Indonesia."""
    return code in _district_codes()


def office_districts():
    return District.objects.filter(regency_id=settings.OFFICE_REGENCY_CODE).order_by("name")


def office_villages():
    return (
        Village.objects.filter(district__regency_id=settings.OFFICE_REGENCY_CODE)
        .select_related("district")
        .order_by("district__name", "name")
    )


def region_of_district(code: str) -> dict:
    district = District.objects.select_related("regency__province").get(code=code)
    return {
        "province_code": district.regency.province.code,
        "province_name": district.regency.province.name,
        "regency_code": district.regency.code,
        "regency_name": district.regency.name,
        "kecamatan_code": district.code,
        "kecamatan_name": district.name,
    }

"""Where the office is and roughly where its kabupaten/kota lies, for courier trips.

No map library or geocoder: a map pin is only checked to be a real coordinate inside a generous
box around the kabupaten/kota (enough to catch a pin dropped in the wrong city or a swapped
lat/lng), and the desa chosen from the office's own list is what really places the address.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings


@dataclass(frozen=True)
class Area:
    south: float
    west: float
    north: float
    east: float
    office: tuple[float, float]  # where couriers collect the envelopes

    def contains(self, lat: float, lng: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lng <= self.east


# Add a line when another office deploys (box from the regency's outline, plus a margin).
AREAS = {
    # Kota Balikpapan; the Disdukcapil office on Jl. Jend. Sudirman.
    "6471": Area(south=-1.36, west=116.74, north=-0.98, east=117.12, office=(-1.2654, 116.8312)),
}


def office_area() -> Area | None:
    return AREAS.get(settings.OFFICE_REGENCY_CODE)


def office_origin() -> str:
    """The office as "lat,lng" for the courier (settings.COURIER_ORIGIN overrides)."""
    override = getattr(settings, "COURIER_ORIGIN", "")
    if override:
        return override
    area = office_area()
    return f"{area.office[0]},{area.office[1]}" if area else ""


def pin_in_office_area(lat: Decimal, lng: Decimal) -> bool:
    area = office_area()
    return area is None or area.contains(float(lat), float(lng))


def office_regency_name() -> str:
    from population.models import Regency

    regency = Regency.objects.filter(code=settings.OFFICE_REGENCY_CODE).first()
    return regency.name.title() if regency else settings.OFFICE_REGENCY_CODE

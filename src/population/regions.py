"""Loads the national region list shipped in population/data/.

Source: the npm package idn-area-data 4.0.1 (fityannugroho/idn-area-data), which follows
Kepmendagri 300.2.2-2138/2025 on region codes; copied on 2026-11-24. The data is under the Open
Database License (data/LICENSE-ODbL.md): keep this attribution wherever it is shown.
"""

import csv
import gzip
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE = "idn-area-data 4.0.1 (Kepmendagri 300.2.2-2138/2025), ODbL, copied 2026-11-24"


def digits(code: str) -> str:
    return code.replace(".", "")


def _rows(name: str):
    path = DATA_DIR / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def load_regions(province_model, regency_model, district_model, village_model, regency_code):
    """Insert provinces, kabupaten/kota and kecamatan nationwide, and the office's desa.

    Takes the model classes so migrations can pass their historical models. Idempotent.
    """
    existing = set(province_model.objects.values_list("code", flat=True))
    province_model.objects.bulk_create(
        province_model(code=r["code"], name=r["name"])
        for r in _rows("provinces.csv")
        if r["code"] not in existing
    )
    existing = set(regency_model.objects.values_list("code", flat=True))
    regency_model.objects.bulk_create(
        regency_model(code=digits(r["code"]), province_id=r["province_code"], name=r["name"])
        for r in _rows("regencies.csv")
        if digits(r["code"]) not in existing
    )
    existing = set(district_model.objects.values_list("code", flat=True))
    district_model.objects.bulk_create(
        (
            district_model(
                code=digits(r["code"]), regency_id=digits(r["regency_code"]), name=r["name"]
            )
            for r in _rows("districts.csv")
            if digits(r["code"]) not in existing
        ),
        batch_size=1000,
    )
    load_villages(village_model, regency_code)


def load_villages(village_model, regency_code: str) -> int:
    existing = set(village_model.objects.values_list("code", flat=True))
    villages = [
        village_model(
            code=digits(r["code"]), district_id=digits(r["district_code"]), name=r["name"]
        )
        for r in _rows("villages.csv.gz")
        if digits(r["district_code"]).startswith(regency_code) and digits(r["code"]) not in existing
    ]
    village_model.objects.bulk_create(villages, batch_size=1000)
    return len(villages)

"""Loads the office's Standar Pelayanan from catalogue/data/standar_pelayanan.json.

Run by a data migration, so a fresh production database has the catalogue; officers then edit it
in Django admin. Only missing services/variants/requirements are created: edits are kept.
"""

import json
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "standar_pelayanan.json"

SERVICE_FIELDS = (
    "name_id name_en summary_id summary_en procedure_id procedure_en product_id product_en "
    "time_limit_workdays form_fields order"
).split()


def load_standard(service_model, variant_model, requirement_model) -> None:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for spec in data["services"]:
        defaults = {field: spec[field] for field in SERVICE_FIELDS}
        defaults["complaint_channel_id"] = data["complaint_channel_id"]
        defaults["complaint_channel_en"] = data["complaint_channel_en"]
        service, _ = service_model.objects.get_or_create(code=spec["code"], defaults=defaults)
        variants = {}
        for order, variant in enumerate(spec["variants"], start=1):
            fields = {k: v for k, v in variant.items() if k != "code"}
            variants[variant["code"]], _ = variant_model.objects.get_or_create(
                service=service, code=variant["code"], defaults={**fields, "order": order}
            )
        for order, requirement in enumerate(spec["requirements"], start=1):
            fields = {k: v for k, v in requirement.items() if k not in ("code", "variant")}
            requirement_model.objects.get_or_create(
                service=service,
                variant=variants.get(requirement.get("variant")),
                code=requirement["code"],
                defaults={**fields, "order": order},
            )

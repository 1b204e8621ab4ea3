"""The supplies every KTP-el/KIA card uses, created with no stock until the first delivery.

Run by a data migration (and by the browser tests after a flush). Only missing items are
created: officers' edits in the admin are kept.

Yields are the HID Fargo HDP5000 figures (a retransfer card printer common in Disdukcapil
offices): YMCKK ribbon 500 cards per roll, HDP film 1,500 images per roll at one image per card
(front side only). An office with another printer, or one that prints both sides through the
film (750 cards), changes the figure in the admin.
"""

SUPPLIES = [
    # code, name, unit, cards per unit, warn at or below (units)
    ("blanko", "Blanko KTP-el/KIA", "keping", 1, 100),
    ("ribbon", "Ribbon printer kartu (YMCKK)", "rol", 500, 1),
    ("film", "Film printer kartu (retransfer)", "rol", 1500, 1),
]


def load_supplies(supply_model) -> None:
    for code, name, unit, yield_per_unit, threshold in SUPPLIES:
        supply_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "yield_per_unit": yield_per_unit,
                "low_stock_threshold": threshold,
                "on_hand": 0,
            },
        )

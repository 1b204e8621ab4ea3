"""Supplies (blanko, ribbon, film), their movements, and print batches of KTP-el/KIA cards.

Stock is kept in physical units (keping, rol) as an officer counts them on the shelf, the roll
in the printer included. A ribbon or film roll prints `yield_per_unit` cards, so each item also
keeps `cards_on_current_unit`: the cards already printed from the unit now in use. A unit
leaves `on_hand` when its last card is printed, so consumption stays exact in whole numbers:

    cards still printable = on_hand × yield_per_unit − cards_on_current_unit

Every card uses every supply item once (one blanko, one card's worth of ribbon and of film).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplyItem(models.Model):
    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=80)
    unit = models.CharField(_("satuan"), max_length=20, help_text=_("Misalnya keping atau rol."))
    on_hand = models.PositiveIntegerField(_("stok (satuan)"), default=0)
    yield_per_unit = models.PositiveIntegerField(
        _("kartu per satuan"), default=1, help_text=_("Berapa kartu yang dapat dicetak per satuan.")
    )
    cards_on_current_unit = models.PositiveIntegerField(
        _("kartu tercetak dari satuan yang sedang dipakai"), default=0
    )
    low_stock_threshold = models.PositiveIntegerField(
        _("batas stok menipis (satuan)"),
        default=0,
        help_text=_("Peringatan tampil bila stok sama dengan atau di bawah angka ini."),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("bahan cetak")
        verbose_name_plural = _("bahan cetak")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(yield_per_unit__gte=1), name="supply_yield_at_least_one"
            ),
            # An empty shelf has no roll in use.
            models.CheckConstraint(
                condition=models.Q(on_hand__gt=0) | models.Q(cards_on_current_unit=0),
                name="supply_no_partial_unit_when_empty",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def cards_available(self) -> int:
        return max(0, self.on_hand * self.yield_per_unit - self.cards_on_current_unit)

    @property
    def is_low(self) -> bool:
        return self.on_hand <= self.low_stock_threshold

    def units_for_cards(self, cards: int) -> int:
        """Whole units to add so that `cards` more cards can be printed (rounded up)."""
        return -(-cards // self.yield_per_unit)

    def use_for_cards(self, cards: int) -> int:
        """Take `cards` cards' worth of this supply; return the units used up (left the shelf)."""
        if cards > self.cards_available:
            raise ValueError("not enough stock")  # services check first and refuse politely
        used, self.cards_on_current_unit = divmod(
            self.cards_on_current_unit + cards, self.yield_per_unit
        )
        self.on_hand -= used
        return used

    def clean(self):
        if self.yield_per_unit and self.cards_on_current_unit >= self.yield_per_unit:
            raise ValidationError(
                {
                    "yield_per_unit": _(
                        "Sudah %(cards)d kartu dicetak dari satuan yang sedang dipakai; "
                        "isi angka yang lebih besar."
                    )
                    % {"cards": self.cards_on_current_unit}
                }
            )


class PrintBatch(models.Model):
    OPEN = "open"
    PRINTED = "printed"
    STATUSES = [(OPEN, _("Dibuka")), (PRINTED, _("Sudah dicetak"))]

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="print_batches"
    )
    created_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=STATUSES, default=OPEN)
    printed_at = models.DateTimeField(null=True, blank=True)
    applications = models.ManyToManyField(
        "applications.Application", through="PrintBatchItem", related_name="print_batches"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("batch cetak")
        verbose_name_plural = _("batch cetak")

    def __str__(self):
        return f"batch {self.pk}"


class PrintBatchItem(models.Model):
    batch = models.ForeignKey(PrintBatch, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "application"], name="one_card_per_application_per_batch"
            )
        ]

    def __str__(self):
        return f"batch {self.batch_id} item {self.pk}"


class StockMovement(models.Model):
    """One change to an item's stock: the ledger the shelf count is checked against."""

    RECEIVED = "received"
    COUNTED = "counted"
    CONSUMED = "consumed"
    REASONS = [
        (RECEIVED, _("Diterima")),
        (COUNTED, _("Penghitungan fisik")),
        (CONSUMED, _("Dipakai mencetak")),
    ]

    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="movements")
    delta = models.IntegerField(_("perubahan (satuan)"))
    on_hand_after = models.PositiveIntegerField(_("stok sesudahnya"))
    reason = models.CharField(max_length=12, choices=REASONS)
    cards = models.PositiveIntegerField(_("kartu dicetak"), default=0)
    batch = models.ForeignKey(
        PrintBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("mutasi stok")
        verbose_name_plural = _("mutasi stok")

    def __str__(self):
        return f"{self.item.code} {self.delta:+d} ({self.reason})"

    @property
    def units_used(self) -> int:
        return -self.delta

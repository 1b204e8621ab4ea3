"""Writes on supplies and print batches: each function is one transaction that completes or
changes nothing."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import in_scope
from applications import lifecycle
from applications.models import Application
from catalogue.models import CARD_SERVICES
from loket.errors import DomainError
from population.nik import Problem
from production.models import PrintBatch, PrintBatchItem, StockMovement, SupplyItem
from workdays.calendar import promise_date_for

MAX_QUANTITY = 100_000  # larger figures are typing mistakes (a whole year's blanko is less)
MAX_WAITING_DAYS = 60
NOTE_MAX = 200


def _check_quantity(value, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            "quantity_not_a_number", _("Jumlah harus berupa angka bulat, misalnya 10.")
        )
    if value < 0:
        raise DomainError("quantity_negative", _("Jumlah tidak boleh negatif."))
    if value < minimum:
        raise DomainError(
            "quantity_too_small", _("Jumlah harus paling sedikit %(min)d."), min=minimum
        )
    if value > MAX_QUANTITY:
        raise DomainError(
            "quantity_too_large",
            _("Jumlah %(value)d terlalu besar (paling banyak %(max)d). Periksa kembali."),
            value=value,
            max=MAX_QUANTITY,
        )
    return value


def _lock_item(item: SupplyItem) -> SupplyItem:
    return SupplyItem.objects.select_for_update().get(pk=item.pk)


def _record(item, *, delta, reason, officer, now, note="", cards=0, batch=None):
    return StockMovement.objects.create(
        item=item,
        delta=delta,
        on_hand_after=item.on_hand,
        reason=reason,
        cards=cards,
        batch=batch,
        officer=officer,
        at=now,
        note=note[:NOTE_MAX],
    )


@transaction.atomic
def stock_receive(*, item: SupplyItem, quantity: int, officer, note: str = "") -> StockMovement:
    """Add `quantity` units that arrived (from the ministry, the province or a purchase)."""
    _check_quantity(quantity, minimum=1)
    locked = _lock_item(item)
    locked.on_hand += quantity
    locked.save(update_fields=["on_hand"])
    return _record(
        locked,
        delta=quantity,
        reason=StockMovement.RECEIVED,
        officer=officer,
        now=timezone.now(),
        note=note,
    )


@transaction.atomic
def stock_count(*, item: SupplyItem, counted: int, officer, note: str = "") -> StockMovement:
    """Set the stock to what is on the shelf; the difference is written as a movement."""
    _check_quantity(counted, minimum=0)
    locked = _lock_item(item)
    delta = counted - locked.on_hand
    locked.on_hand = counted
    update = ["on_hand"]
    if counted == 0:  # nothing left, so no roll is in use either
        locked.cards_on_current_unit = 0
        update.append("cards_on_current_unit")
    locked.save(update_fields=update)
    return _record(
        locked,
        delta=delta,
        reason=StockMovement.COUNTED,
        officer=officer,
        now=timezone.now(),
        note=note,
    )


@transaction.atomic
def supply_threshold_set(*, item: SupplyItem, threshold: int, officer) -> SupplyItem:
    _check_quantity(threshold, minimum=0)
    locked = _lock_item(item)
    locked.low_stock_threshold = threshold
    locked.save(update_fields=["low_stock_threshold"])
    return locked


def _lock_applications(applications) -> list[Application]:
    ids = sorted({a.pk for a in applications})
    if not ids:
        raise DomainError("nothing_selected", _("Pilih paling sedikit satu permohonan."))
    locked = (
        Application.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("service", "resident")
        .order_by("submitted_at", "id")
    )
    return list(locked)


def _printable_problems(applications, officer) -> list[Problem]:
    """Why each application cannot be printed (empty: all can)."""
    problems = []
    for application in applications:
        number = application.registration_number or str(application.public_id)
        if application.service.code not in CARD_SERVICES:
            problems.append(
                Problem(
                    "not_a_card",
                    _(
                        "%(number)s: %(service)s bukan kartu; dokumen ini diterbitkan, "
                        "tidak dicetak di printer kartu."
                    ),
                    {"number": number, "service": application.service.code},
                )
            )
        elif application.status != lifecycle.APPROVED:
            problems.append(
                Problem(
                    "not_approved",
                    _(
                        "%(number)s: statusnya “%(status)s”; hanya yang “%(approved)s” "
                        "yang dapat dicetak."
                    ),
                    {
                        "number": number,
                        "status": lifecycle.label(application.status),
                        "approved": lifecycle.label(lifecycle.APPROVED),
                    },
                )
            )
        elif not in_scope(officer, application):
            problems.append(
                Problem(
                    "out_of_scope",
                    _("%(number)s: di luar kecamatan tugas Anda."),
                    {"number": number},
                )
            )
    return problems


def shortage_problems(items, cards: int) -> list[Problem]:
    problems = []
    for item in items:
        short = cards - item.cards_available
        if short > 0:
            problems.append(
                Problem(
                    "stock_short",
                    _(
                        "Stok %(item)s tidak cukup: batch ini perlu %(needed)d kartu, stok hanya "
                        "cukup untuk %(available)d kartu. Kurang %(short)d kartu "
                        "(perlu tambahan %(units)d %(unit)s)."
                    ),
                    {
                        "item": item.name,
                        "needed": cards,
                        "available": item.cards_available,
                        "short": short,
                        "units": item.units_for_cards(short),
                        "unit": item.unit,
                    },
                )
            )
    return problems


@transaction.atomic
def print_batch_create(*, applications, officer) -> PrintBatch:
    """Print approved KTP-el/KIA cards: consume supplies and move each card to "ready for
    handover". Refuses the whole batch (nothing changes) when any card cannot be printed or
    any supply would run out."""
    locked = _lock_applications(applications)
    problems = _printable_problems(locked, officer)
    if problems:
        raise DomainError(problems=problems)
    items = list(SupplyItem.objects.select_for_update().order_by("id"))
    if not items:
        raise DomainError(
            "supplies_not_set_up", _("Bahan cetak belum diatur. Hubungi administrator.")
        )
    cards = len(locked)
    problems = shortage_problems(items, cards)
    if problems:
        raise DomainError(problems=problems)

    now = timezone.now()
    batch = PrintBatch.objects.create(created_by=officer, created_at=now)
    for item in items:
        used = item.use_for_cards(cards)
        item.save(update_fields=["on_hand", "cards_on_current_unit"])
        _record(
            item,
            delta=-used,
            reason=StockMovement.CONSUMED,
            officer=officer,
            now=now,
            cards=cards,
            batch=batch,
        )
    PrintBatchItem.objects.bulk_create(
        PrintBatchItem(batch=batch, application=application) for application in locked
    )
    for application in locked:
        data = {"print_batch": batch.pk}
        lifecycle.transition(application, lifecycle.PRINTED, actor=officer, data=data)
        lifecycle.transition(application, lifecycle.READY_FOR_HANDOVER, actor=officer, data=data)
    batch.status = PrintBatch.PRINTED
    batch.printed_at = now
    batch.save(update_fields=["status", "printed_at"])
    return batch


@transaction.atomic
def batch_shortfall_notify(
    *, applications, officer, reason: str, working_days: int, now=None
) -> list[Application]:
    """Give residents whose approved cards cannot be printed yet an honest new promise date:
    store it, write it on the timeline and queue the SMS. Returns the applications whose date
    moved; those whose current promise is already that late or later keep it and get no SMS."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "reason_required", _("Tuliskan alasannya; alasan ini dikirim kepada warga.")
        )
    if len(reason) > NOTE_MAX:
        raise DomainError(
            "reason_too_long",
            _("Alasan terlalu panjang (paling banyak %(max)d huruf)."),
            max=NOTE_MAX,
        )
    if isinstance(working_days, bool) or not isinstance(working_days, int):
        raise DomainError("days_not_a_number", _("Jumlah hari kerja harus berupa angka bulat."))
    if not 1 <= working_days <= MAX_WAITING_DAYS:
        raise DomainError(
            "days_out_of_range",
            _("Jumlah hari kerja harus antara 1 dan %(max)d."),
            max=MAX_WAITING_DAYS,
        )
    locked = _lock_applications(applications)
    problems = _printable_problems(locked, officer)
    if problems:
        raise DomainError(problems=problems)

    now = now or timezone.now()
    new_date = promise_date_for(working_days, now)
    moved = []
    for application in locked:
        old_date = application.promise_date
        if old_date and old_date >= new_date:
            continue  # the promise still holds; telling them otherwise would not be honest
        lifecycle.promise_moved(
            application,
            new_date,
            actor=officer,
            note=reason,
            data={"working_days": working_days},
        )
        moved.append(application)
    return moved

"""Back office: supplies stock and the card print queue (operators act, the head of section
watches). Views parse input, call one service, render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.access import district_scope, has_role, officer_required
from accounts.roles import HEAD_OF_SECTION, OPERATOR
from loket.errors import DomainError
from production import selectors, services
from production.forms import BatchForm, CountForm, ReceiveForm, ShortfallForm, ThresholdForm
from production.models import PrintBatch, StockMovement

QUEUE_ROWS_SHOWN = 300
MOVEMENTS_SHOWN = 20


def _stock_context(request, **forms):
    items = list(selectors.supply_items())
    return {
        "items": items,
        "low_stock": [item for item in items if item.is_low],
        "printable": selectors.printable_card_count(items),
        "can_act": has_role(request.user, OPERATOR),
        "receive_form": forms.get("receive_form") or ReceiveForm(),
        "count_form": forms.get("count_form") or CountForm(),
        "threshold_form": forms.get("threshold_form") or ThresholdForm(),
        "movements": StockMovement.objects.select_related("item", "officer")[:MOVEMENTS_SHOWN],
    }


@officer_required(OPERATOR, HEAD_OF_SECTION)
@require_GET
def stock(request):
    return render(request, "production/stock.html", _stock_context(request))


def _stock_action(request, form_class, context_key, act):
    form = form_class(request.POST)
    if form.is_valid():
        try:
            movement_or_item = act(form.cleaned_data)
        except DomainError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _success_text(context_key, movement_or_item))
            return redirect("production:stock")
    context = _stock_context(request, **{context_key: form})
    return render(request, "production/stock.html", context, status=400)


def _success_text(context_key, result) -> str:
    if context_key == "threshold_form":
        return _("Batas peringatan %(item)s: %(threshold)d %(unit)s.") % {
            "item": result.name,
            "threshold": result.low_stock_threshold,
            "unit": result.unit,
        }
    return _("%(item)s: stok sekarang %(on_hand)d %(unit)s.") % {
        "item": result.item.name,
        "on_hand": result.on_hand_after,
        "unit": result.item.unit,
    }


@officer_required(OPERATOR)
@require_POST
def stock_receive(request):
    return _stock_action(
        request,
        ReceiveForm,
        "receive_form",
        lambda data: services.stock_receive(
            item=data["item"], quantity=data["quantity"], officer=request.user, note=data["note"]
        ),
    )


@officer_required(OPERATOR)
@require_POST
def stock_count(request):
    return _stock_action(
        request,
        CountForm,
        "count_form",
        lambda data: services.stock_count(
            item=data["item"], counted=data["counted"], officer=request.user, note=data["note"]
        ),
    )


@officer_required(OPERATOR)
@require_POST
def stock_threshold(request):
    return _stock_action(
        request,
        ThresholdForm,
        "threshold_form",
        lambda data: services.supply_threshold_set(
            item=data["item"], threshold=data["threshold"], officer=request.user
        ),
    )


def _queue_context(request, *, selected=(), problems=(), shortfall_form=None):
    items = list(selectors.supply_items())
    printable = selectors.printable_card_count(items)
    queue = selectors.print_queue(districts=district_scope(request.user))
    total = queue.count()
    selected = {str(value) for value in selected}
    rows = [
        {
            "application": application,
            "fits": index < printable,
            "checked": str(application.public_id) in selected,
        }
        for index, application in enumerate(queue[:QUEUE_ROWS_SHOWN])
    ]
    short_items = [item for item in items if item.cards_available < max(total, 1)]
    return {
        "items": items,
        "low_stock": [item for item in items if item.is_low],
        "printable": printable,
        "rows": rows,
        "total": total,
        "shown": len(rows),
        "waiting": max(0, total - printable),
        "problems": list(problems),
        "can_act": has_role(request.user, OPERATOR),
        "shortfall_form": shortfall_form
        or ShortfallForm(initial={"reason": _default_reason(short_items)}),
        "batches": selectors.recent_batches(),
    }


def _default_reason(short_items) -> str:
    if not short_items:
        return ""
    return _("stok %(items)s di kantor tidak cukup, kami menunggu kiriman") % {
        "items": ", ".join(item.name for item in short_items)
    }


@officer_required(OPERATOR, HEAD_OF_SECTION)
@require_GET
def queue(request):
    return render(request, "production/queue.html", _queue_context(request))


def _selected(request) -> list[str]:
    return request.POST.getlist("applications")


@officer_required(OPERATOR)
@require_POST
def batch_create(request):
    form = BatchForm(request.POST)
    if not form.is_valid():
        problems = [e for errors in form.errors.values() for e in errors]
        context = _queue_context(request, selected=_selected(request), problems=problems)
        return render(request, "production/queue.html", context, status=400)
    try:
        batch = services.print_batch_create(
            applications=form.cleaned_data["applications"], officer=request.user
        )
    except DomainError as error:
        context = _queue_context(request, selected=_selected(request), problems=error.messages)
        return render(request, "production/queue.html", context, status=409)
    count = batch.items.count()
    messages.success(
        request,
        ngettext(
            "Batch %(batch)d: %(count)d kartu dicetak dan siap diserahkan.",
            "Batch %(batch)d: %(count)d kartu dicetak dan siap diserahkan.",
            count,
        )
        % {"batch": batch.pk, "count": count},
    )
    return redirect("production:batch_detail", pk=batch.pk)


@officer_required(OPERATOR)
@require_POST
def shortfall_notify(request):
    form = ShortfallForm(request.POST)
    problems = []
    if form.is_valid():
        try:
            moved = services.batch_shortfall_notify(
                applications=form.cleaned_data["applications"],
                officer=request.user,
                reason=form.cleaned_data["reason"],
                working_days=form.cleaned_data["working_days"],
            )
        except DomainError as error:
            problems = error.messages
        else:
            _report_new_dates(request, moved, len(form.cleaned_data["applications"]))
            return redirect("production:queue")
    else:
        problems = [e for errors in form.errors.values() for e in errors]
    context = _queue_context(
        request, selected=_selected(request), problems=problems, shortfall_form=form
    )
    return render(request, "production/queue.html", context, status=400)


def _report_new_dates(request, moved, selected_count):
    if moved:
        messages.success(
            request,
            ngettext(
                "Tanggal baru %(date)s dikirim lewat SMS kepada %(count)d warga.",
                "Tanggal baru %(date)s dikirim lewat SMS kepada %(count)d warga.",
                len(moved),
            )
            % {
                "date": formats.date_format(moved[0].promise_date, "l, j F Y"),
                "count": len(moved),
            },
        )
    kept = selected_count - len(moved)
    if kept:
        messages.info(
            request,
            ngettext(
                "%(count)d permohonan tidak diubah: perkiraan selesai sebelumnya masih berlaku.",
                "%(count)d permohonan tidak diubah: perkiraan selesai sebelumnya masih berlaku.",
                kept,
            )
            % {"count": kept},
        )


@officer_required(OPERATOR, HEAD_OF_SECTION)
@require_GET
def batch_detail(request, pk: int):
    try:
        found = selectors.batch_detail(pk)
    except PrintBatch.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "production/batch.html",
        {
            "batch": found,
            "applications": selectors.batch_applications(found),
            "consumption": selectors.batch_consumption(found),
        },
    )

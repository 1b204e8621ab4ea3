"""Dashboards for the head of section and the head of office: each page shows its tables with
a chart beside each, and every table downloads as CSV or XLSX (same URL + .csv/.xlsx)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles
from accounts.access import officer_required
from loket.errors import DomainError
from reports import selectors, services, tables
from reports.exports import export_response
from reports.forms import ApplicationFilterForm, CoverageFilterForm, PopulationUploadForm

# The reports role (accounts.roles.REPORTS once the lead adds it); the head of section sees all.
REPORTS = getattr(roles, "REPORTS", "reports")
VIEWERS = (REPORTS, roles.HEAD_OF_SECTION)


@officer_required(*VIEWERS)
@require_GET
def index(request):
    return render(request, "reports/index.html")


def _page(request, fmt, *, name, title, form, build, extra=None):
    """Render the dashboard, or with `fmt` send one of its tables (?table=key, default the
    first) as a download."""
    if not form.is_valid():
        if fmt:
            # Plain text: the errors can echo what was typed in the query string.
            return HttpResponseBadRequest(
                "; ".join(_all_errors(form)), content_type="text/plain; charset=utf-8"
            )
        return render(
            request, "reports/report.html", {"title": title, "form": form, "tables": []}, status=400
        )
    report_tables = build(form.cleaned_data)
    if fmt:
        wanted = request.GET.get("table") or report_tables[0].key
        table = next((t for t in report_tables if t.key == wanted), None)
        if table is None:
            raise Http404
        return export_response(table, fmt, f"{name}-{table.key}")
    # The filters in force (defaults included), so a download is the table on the screen.
    query = {k: str(v) for k, v in form.cleaned_data.items() if v not in ("", None)}
    for table in report_tables:
        table.downloads = {
            fmt: reverse(f"reports:{name}_export", args=[fmt])
            + "?"
            + urlencode({**query, "table": table.key})
            for fmt in ("csv", "xlsx")
        }
    context = {"title": title, "form": form, "tables": report_tables, **(extra or {})}
    return render(request, "reports/report.html", context)


def _all_errors(form) -> list[str]:
    return [f"{field}: {error}" for field, errors in form.errors.items() for error in errors]


@officer_required(*VIEWERS)
@require_GET
def coverage(request, fmt=""):
    data = request.GET.copy()
    periods = selectors.population_periods()
    if not fmt and periods and not data.get("year"):
        # The page opens on the newest imported semester; a download must say which it wants.
        data["year"], data["semester"] = periods[0]
    if not fmt and not periods:
        return render(request, "reports/report.html", {"title": _("Cakupan"), "empty": True})
    return _page(
        request,
        fmt,
        name="coverage",
        title=_("Cakupan kepemilikan dokumen"),
        form=CoverageFilterForm(data),
        build=lambda d: tables.coverage_tables(
            year=d["year"],
            semester=d["semester"],
            kecamatan=d.get("kecamatan") or "",
            document=d.get("document") or "",
        ),
        extra={"periods": periods},
    )


def _applications_page(request, fmt, *, name, title, build):
    return _page(
        request,
        fmt,
        name=name,
        title=title,
        form=ApplicationFilterForm(request.GET),
        build=lambda data: build(selectors.Filters(**data)),
    )


@officer_required(*VIEWERS)
@require_GET
def kecamatan(request, fmt=""):
    return _applications_page(
        request,
        fmt,
        name="kecamatan",
        title=_("Permohonan per kecamatan per semester"),
        build=tables.kecamatan_tables,
    )


@officer_required(*VIEWERS)
@require_GET
def cards(request, fmt=""):
    return _applications_page(
        request,
        fmt,
        name="cards",
        title=_("Kartu diterbitkan dan pengantaran kurir"),
        build=tables.cards_tables,
    )


@officer_required(*VIEWERS)
@require_GET
def performance(request, fmt=""):
    return _applications_page(
        request,
        fmt,
        name="performance",
        title=_("Kinerja layanan"),
        build=tables.performance_tables,
    )


@officer_required(*VIEWERS)
@require_http_methods(["GET", "POST"])
def population_upload(request):
    form = PopulationUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.population_import(content=upload.read(), filename=upload.name)
        except DomainError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                ngettext(
                    "%(rows)d baris data penduduk dimuat untuk %(periods)s.",
                    "%(rows)d baris data penduduk dimuat untuk %(periods)s.",
                    result.rows,
                )
                % {
                    "rows": result.rows,
                    "periods": ", ".join(f"{y}/{s}" for y, s in result.periods),
                },
            )
            return redirect("reports:coverage")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "reports/upload.html", {"form": form, "problems": problems}, status=status
    )

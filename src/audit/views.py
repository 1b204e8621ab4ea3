from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.access import officer_required
from accounts.roles import HEAD_OF_SECTION
from audit.forms import AccessLogFilterForm
from audit.selectors import access_log
from audit.services import record_access

PAGE_SIZE = 50
SCREEN_ACCESS_LOG = "audit:log"  # screens are named by their URL name


@never_cache
@officer_required(HEAD_OF_SECTION)
def log(request):
    """Who opened which application or file, searchable; reading it is itself logged."""
    # Logged first, so the page (count and rows alike) includes this very look.
    record_access(request, application=None, screen=SCREEN_ACCESS_LOG)
    form = AccessLogFilterForm(request.GET or None)
    filters = {}
    if form.is_bound:
        form.is_valid()  # errors are shown; the fields that passed still filter
        filters = form.filters()
    page = Paginator(access_log(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"form": form, "page": page})

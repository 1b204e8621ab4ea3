from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.access import has_role
from accounts.roles import (
    CUSTOMER_SERVICE,
    FRONT_DESK,
    HEAD_OF_SECTION,
    OPERATOR,
    PICKUP_DESK,
    REPORTS,
    VERIFIER,
)

register = template.Library()

MENU = [
    ("backoffice:home", _("Antrean kerja"), (VERIFIER, OPERATOR, PICKUP_DESK, HEAD_OF_SECTION)),
    ("central:dashboard", _("Link SIAK"), (OPERATOR, HEAD_OF_SECTION)),
    ("production:queue", _("Cetak"), (OPERATOR, HEAD_OF_SECTION)),
    ("production:stock", _("Stok blanko"), (OPERATOR, HEAD_OF_SECTION)),
    ("handover:pickup_desk", _("Loket pengambilan"), (PICKUP_DESK, HEAD_OF_SECTION)),
    ("handover:courier_desk", _("Loket kurir"), (PICKUP_DESK, HEAD_OF_SECTION)),
    ("counter_queue:desk", _("Meja informasi"), (FRONT_DESK, HEAD_OF_SECTION)),
    ("counter_queue:counters", _("Loket antrean"), (VERIFIER, OPERATOR, HEAD_OF_SECTION)),
    ("counter_queue:statistics", _("Statistik antrean"), (FRONT_DESK, HEAD_OF_SECTION)),
    ("inbox:list", _("Percakapan"), (CUSTOMER_SERVICE, HEAD_OF_SECTION)),
    ("feedback:officer_list", _("Pengaduan"), (CUSTOMER_SERVICE, HEAD_OF_SECTION)),
    ("feedback:ikm_report", _("Laporan IKM"), (CUSTOMER_SERVICE, HEAD_OF_SECTION)),
    ("notifications:outbox", _("Pesan ke pemohon"), (CUSTOMER_SERVICE, HEAD_OF_SECTION)),
    ("reports:index", _("Laporan"), (REPORTS, HEAD_OF_SECTION)),
    ("workdays:officer", _("Gangguan layanan"), (HEAD_OF_SECTION,)),
    ("audit:log", _("Log akses"), (HEAD_OF_SECTION,)),
]


@register.inclusion_tag("backoffice/_menu.html", takes_context=True)
def officer_menu(context):
    user = context["request"].user
    return {
        "items": [(reverse(name), label) for name, label, roles in MENU if has_role(user, *roles)]
    }

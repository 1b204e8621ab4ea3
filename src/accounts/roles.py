"""Officer roles from the field studies; each is a Django group of the same name."""

from django.utils.translation import gettext_lazy as _

FRONT_DESK = "front_desk"
VERIFIER = "verifier"
OPERATOR = "operator"
PICKUP_DESK = "pickup_desk"
CUSTOMER_SERVICE = "customer_service"
HEAD_OF_SECTION = "head_of_section"
ADMIN = "admin"
# Village/kelurahan and kecamatan staff taking applications for residents (assisted intake);
# their area is an assisted.OperatorArea row.
REPORTS = "reports"  # reports and dashboards (kepala seksi, kepala dinas)
OPERATOR_DESA = "operator_desa"
OPERATOR_KECAMATAN = "operator_kecamatan"

ROLES = {
    FRONT_DESK: _("Petugas informasi (front desk)"),
    VERIFIER: _("Petugas verifikasi berkas"),
    OPERATOR: _("Operator (SIAK dan cetak)"),
    PICKUP_DESK: _("Petugas pengambilan"),
    CUSTOMER_SERVICE: _("Layanan pengaduan"),
    HEAD_OF_SECTION: _("Kepala seksi"),
    ADMIN: _("Administrator"),
    REPORTS: _("Laporan (kepala seksi, kepala dinas)"),
    OPERATOR_DESA: _("Operator desa/kelurahan (pendampingan)"),
    OPERATOR_KECAMATAN: _("Operator kecamatan (pendampingan)"),
}

# Roles whose work is limited to the kecamatan they are assigned to (none assigned = all).
SCOPED_ROLES = {VERIFIER, OPERATOR}

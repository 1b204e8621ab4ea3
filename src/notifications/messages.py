"""What the resident is told at each step, in Indonesian (translated to English via .po).

Placeholders: office, service, number, date (promise date), url, note (reason / detail).
"""

from django.utils.translation import gettext_lazy as _

STATUS_MESSAGES = {
    "submitted": _(
        "%(office)s: permohonan %(service)s Anda diterima, nomor %(number)s. "
        "Perkiraan selesai %(date)s. Lacak: %(url)s"
    ),
    "in_verification": _("%(office)s: berkas permohonan %(number)s sedang diperiksa petugas."),
    "needs_fix": _(
        "%(office)s: permohonan %(number)s perlu perbaikan: %(note)s. "
        "Ganti berkasnya di %(url)s — waktu tunggu dihentikan sampai Anda mengirim ulang."
    ),
    "resubmitted": _(
        "%(office)s: perbaikan permohonan %(number)s diterima. Perkiraan selesai baru %(date)s."
    ),
    "verified": _("%(office)s: berkas permohonan %(number)s lengkap dan benar."),
    "sent_to_central": _(
        "%(office)s: data permohonan %(number)s dikirim ke pusat (SIAK) untuk persetujuan."
    ),
    "approved": _("%(office)s: permohonan %(number)s disetujui pusat."),
    "rejected_by_central": _(
        "%(office)s: pusat belum menyetujui permohonan %(number)s: %(note)s. Petugas akan "
        "memeriksa ulang dan menghubungi Anda."
    ),
    "printed": _("%(office)s: %(service)s Anda (permohonan %(number)s) sudah dicetak."),
    "issued": _(
        "%(office)s: dokumen %(service)s Anda (permohonan %(number)s) sudah terbit: %(url)s"
    ),
    "ready_for_handover": _(
        "%(office)s: %(service)s Anda (permohonan %(number)s) siap diambil di loket atau "
        "dikirim kurir. Detail: %(url)s"
    ),
    "handed_over": _("%(office)s: %(service)s permohonan %(number)s sudah diserahkan."),
    "cancelled": _("%(office)s: permohonan %(number)s dibatalkan."),
    "rejected": _("%(office)s: permohonan %(number)s ditolak: %(note)s"),
    "promise_changed": _(
        "%(office)s: maaf, permohonan %(number)s tertunda: %(note)s. "
        "Perkiraan selesai baru %(date)s."
    ),
}

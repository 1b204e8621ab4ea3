"""What the resident is told at each step, in Indonesian (translated to English via .po).

Placeholders: office, service, number, date (promise date), url, note (reason / detail),
pickup_code (the code for the pickup desk, "-" until the card is ready).
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
        "dikirim kurir. Kode pengambilan: %(pickup_code)s (tunjukkan bersama KTP-el/KK). "
        "Kode QR dan pilihan kirim kurir (ongkos kirim dibayar Anda): %(url)s"
    ),
    # The note is the one-time handover code; the message is marked sensitive when queued.
    "out_for_delivery": _(
        "%(office)s: %(service)s Anda (permohonan %(number)s) sedang diantar kurir. Kode serah "
        "terima: %(note)s. Berikan kode ini kepada kurir hanya setelah kartu ada di tangan Anda. "
        "Lacak: %(url)s"
    ),
    "delivery_unconfirmed": _(
        "%(office)s: kurir melaporkan %(service)s permohonan %(number)s sudah diantar, tetapi "
        "tanpa kode serah terima Anda. Petugas akan menghubungi Anda. Belum menerima kartu? "
        "Hubungi kantor: %(url)s"
    ),
    "delivery_failed": _(
        "%(office)s: pengiriman %(service)s permohonan %(number)s gagal (%(note)s). Kartu "
        "disimpan di kantor: ambil di loket atau pilih kirim kurir lagi: %(url)s"
    ),
    "courier_delayed": _(
        "%(office)s: layanan kurir sedang gangguan. Pilihan kirim kurir untuk permohonan "
        "%(number)s tetap tersimpan dan kami pesan ulang otomatis. Detail: %(url)s"
    ),
    "handed_over": _("%(office)s: %(service)s permohonan %(number)s sudah diserahkan."),
    "cancelled": _("%(office)s: permohonan %(number)s dibatalkan."),
    "rejected": _("%(office)s: permohonan %(number)s ditolak: %(note)s"),
    "promise_changed": _(
        "%(office)s: maaf, permohonan %(number)s tertunda: %(note)s. "
        "Perkiraan selesai baru %(date)s."
    ),
}

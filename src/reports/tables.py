"""Each dashboard's tables: selector figures laid out as rows, with column labels and the chart
drawn beside each table (every chart is also a table, and every table exports)."""

from django.utils.translation import gettext_lazy as _

from reports import selectors
from reports.exports import Table
from reports.forms import CHANNEL_LABELS
from reports.selectors import Filters, percent

PERCENT = _("Persen")
BY_SEX_COLUMNS = [
    ("eligible_l", _("Wajib L")),
    ("eligible_p", _("Wajib P")),
    ("eligible", _("Wajib jumlah")),
    ("owned_l", _("Memiliki L")),
    ("owned_p", _("Memiliki P")),
    ("owned", _("Memiliki jumlah")),
    ("percent", PERCENT),
]


def _by_sex(row) -> list:
    """A coverage row's counts by sex (L, P, both) and its percent, in BY_SEX_COLUMNS' order."""
    eligible, owned = row.eligible, row.owned
    return [eligible["L"], eligible["P"], eligible[""], owned["L"], owned["P"], owned[""],
            row.percent]  # fmt: skip


def coverage_tables(*, year: int, semester: int, kecamatan: str, document: str) -> list[Table]:
    rows = selectors.coverage(year=year, semester=semester, kecamatan=kecamatan)
    targets = selectors.coverage_targets(year=year)
    tables = [
        Table(
            "coverage",
            _("Cakupan kepemilikan dokumen"),
            [
                ("document", _("Dokumen")),
                ("eligible", _("Wajib memiliki")),
                ("owned", _("Sudah memiliki")),
                ("percent", PERCENT),
            ],
            [[r.document, r.eligible, r.owned, r.percent] for r in rows],
            chart={"x": "document", "series": ["percent"]},
        ),
        Table(
            "targets",
            _("Capaian dibanding target tahun %(year)d") % {"year": year},
            [
                ("document", _("Dokumen")),
                ("percent", _("Capaian (persen)")),
                ("target", _("Target (persen)")),
                ("gap", _("Selisih (poin)")),
            ],
            [
                [r.document, r.percent, targets[r.document], _gap(r.percent, targets[r.document])]
                for r in rows
                if r.document in targets
            ],
            chart={"x": "document", "series": ["percent", "target"]},
        ),
    ]
    if document:
        by_kecamatan = selectors.coverage_by_kecamatan(
            year=year, semester=semester, document=document
        )
        tables.append(
            Table(
                "by_kecamatan",
                _("Kepemilikan %(document)s per kecamatan dan jenis kelamin")
                % {"document": document},
                [("kecamatan", _("Kecamatan")), *BY_SEX_COLUMNS],
                [[r.name, *_by_sex(r)] for r in by_kecamatan],
                chart={"x": "kecamatan", "series": ["percent"]},
            )
        )
        by_age = selectors.coverage_by_age(
            year=year, semester=semester, document=document, kecamatan=kecamatan
        )
        if by_age:
            tables.append(
                Table(
                    "by_age",
                    _("Kepemilikan %(document)s per kelompok umur dan jenis kelamin")
                    % {"document": document},
                    [("age_band", _("Kelompok umur")), *BY_SEX_COLUMNS],
                    [[r.band, *_by_sex(r)] for r in by_age],
                    chart={"x": "age_band", "series": ["percent"]},
                )
            )
        trend = selectors.coverage_trend(document=document, kecamatan=kecamatan)
        tables.append(
            Table(
                "trend",
                _("Kepemilikan %(document)s per semester") % {"document": document},
                [
                    ("semester", _("Semester")),
                    ("eligible", _("Wajib memiliki")),
                    ("owned", _("Sudah memiliki")),
                    ("not_owned", _("Belum memiliki")),
                    ("percent", PERCENT),
                ],
                [
                    [period, c.eligible, c.owned, c.eligible - c.owned, c.percent]
                    for period, c in trend
                ],
                chart={"type": "line", "x": "semester", "series": ["percent"]},
            )
        )
    return tables


def _gap(value, target):
    return None if value is None else value - target


def kecamatan_tables(filters: Filters) -> list[Table]:
    semesters, counts = selectors.applications_by_kecamatan(filters)
    names = selectors.kecamatan_names()
    codes = [code for code in names if not filters.kecamatan or code == filters.kecamatan]
    codes += sorted(code for code in counts if code not in names)  # outside the office, or none
    rows = []
    for code in codes:
        per = counts.get(code, {})
        label = names.get(code) or code or str(_("(tanpa desa)"))
        rows.append([label, *(per.get(s, 0) for s in semesters), sum(per.values())])
    totals = [sum(row[i] for row in rows) for i in range(1, len(semesters) + 2)]
    rows.append(["TOTAL", *totals])
    return [
        Table(
            "per_kecamatan",
            _("Permohonan per kecamatan per semester"),
            [
                ("kecamatan", _("Kecamatan")),
                *((f"semester_{s}", s) for s in semesters),
                ("total", _("Jumlah semua")),
            ],
            rows,
            chart={
                "x": "kecamatan",
                "series": [f"semester_{s}" for s in semesters],
                "stacked": True,
            },
        )
    ]


def cards_tables(filters: Filters) -> list[Table]:
    months = selectors.cards_and_courier(filters)
    years = {}
    for month, (cards, courier) in months.items():
        total = years.setdefault(month[:4], [0, 0])
        total[0] += cards
        total[1] += courier
    columns = [
        ("cards", _("Kartu diterbitkan")),
        ("courier", _("Diantar kurir")),
        ("percent", _("Persen lewat kurir")),
    ]
    return [
        Table(
            "per_year",
            _("Kartu diterbitkan dan pengguna kurir per tahun"),
            [("year", _("Tahun")), *columns],
            [[year, c, k, percent(k, c)] for year, (c, k) in years.items()],
            chart={"x": "year", "series": ["cards", "courier"]},
        ),
        Table(
            "per_month",
            _("Kartu diterbitkan dan pengguna kurir per bulan"),
            [("month", _("Bulan")), *columns],
            [[month, c, k, percent(k, c)] for month, (c, k) in months.items()],
            chart={"x": "month", "series": ["cards", "courier"]},
        ),
    ]


def performance_tables(filters: Filters) -> list[Table]:
    days = selectors.received_and_finished(filters)
    services = selectors.service_performance(filters)
    fixes = selectors.fix_request_rates(filters)
    channels = selectors.channel_mix(filters)
    handovers = selectors.courier_share(filters)
    submitted, handed = sum(channels.values()), sum(handovers.values())
    return [
        Table(
            "per_day",
            _("Permohonan masuk dan selesai per hari"),
            [
                ("day", _("Tanggal")),
                ("received", _("Permohonan masuk")),
                ("finished", _("Permohonan selesai")),
            ],
            [[day.isoformat(), r, f] for day, (r, f) in days.items()],
            chart={"type": "line", "x": "day", "series": ["received", "finished"]},
        ),
        Table(
            "per_service",
            _("Ketepatan janji dan lama penyelesaian per layanan"),
            [
                ("service", _("Layanan")),
                ("finished", _("Permohonan selesai")),
                ("on_time", _("Tepat janji")),
                ("percent_on_time", _("Persen tepat janji")),
                ("median_workdays", _("Median hari kerja")),
            ],
            [
                [s.code, s.finished, s.on_time, s.on_time_percent, s.median_workdays]
                for s in services
            ],
            chart={"x": "service", "series": ["percent_on_time"]},
        ),
        Table(
            "fix_rate",
            _("Persyaratan yang paling sering diminta perbaikan"),
            [
                ("service", _("Layanan")),
                ("requirement", _("Persyaratan")),
                ("checks", _("Diperiksa")),
                ("fix_requests", _("Diminta perbaikan")),
                ("percent", PERCENT),
            ],
            [[r.service, r.requirement, r.checks, r.fixes, r.percent] for r in fixes],
            chart={"x": "requirement", "series": ["percent"]},
        ),
        Table(
            "channels",
            _("Kanal pengajuan"),
            [
                ("channel", _("Kanal")),
                ("applications", _("Jumlah permohonan")),
                ("percent", PERCENT),
            ],
            [[str(CHANNEL_LABELS[c]), n, percent(n, submitted)] for c, n in channels.items()],
            chart={"type": "doughnut", "x": "channel", "series": ["applications"]},
        ),
        Table(
            "courier_share",
            _("Penyerahan: loket atau kurir"),
            [("method", _("Cara")), ("handovers", _("Penyerahan")), ("percent", PERCENT)],
            [[str(HANDOVER_LABELS[kind]), n, percent(n, handed)] for kind, n in handovers.items()],
            chart={"type": "doughnut", "x": "method", "series": ["handovers"]},
        ),
    ]


HANDOVER_LABELS = {"counter": _("Diambil di loket"), "delivered": _("Diantar kurir")}

"""Dashboards benchmark: each report page against the best hand-written SQL for its figures.

For each database (SQLite and/or PostgreSQL) the script builds a fresh database, migrates it
(which adds the reports' indexes, reports/migrations/0002), bulk-loads --rows applications over
2024-2025 (printed events for cards, counter/courier handovers, requirement
checks) and population aggregates for 3,000,000 residents (6 kecamatan x 9 documents x sex x 10
semesters), then, in one Django process on that database:

* page: GET each dashboard as a signed-in officer with the reports role (Django's test client:
  middleware, session, queries, template, chart JSON), for the year 2025;
* SQL:  the same figures by hand-written SQL on the same connection, with the databases' own
  date functions and the same indexes (what an analyst would write; the working-day median is
  grouped the same way because the holiday calendar is not in the database).

Each is timed best-of --repeat after one warm-up run. PASS when page <= 2x SQL.
Figures are printed and written to bench/results/reports-<db>.json.

Run:
    .venv/bin/python bench/reports.py [--rows N] [--db sqlite|postgres|both] [--repeat R]
"""

# ruff: noqa: S608 -- the SQL here is built from constants of this file, never from input.

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from status_lookup import (
    RESULTS_DIR,
    USER_COLUMNS,
    VENV_BIN,
    PostgresDatabase,
    SqliteDatabase,
    app_env,
    copy_rows,
    insert_sql,
    manage,
)

REPO = Path(__file__).resolve().parent.parent
MAX_RATIO = 2.0
BATCH = 50_000
RESIDENTS = 3_000_000
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=731)
CHANNELS = ["web"] * 8 + ["whatsapp"] * 6 + ["sms"] + ["counter"] * 3 + ["assisted"] * 2
DOCUMENT_SHARE = {  # who must hold each document, as a share of residents
    "KTP": 0.70, "KK": 0.30, "KIA": 0.30, "AKL": 1.0, "AKM": 0.01,
    "AKW": 0.40, "AKC": 0.02, "SKPWNI": 0.02, "SKDWNI": 0.02,
}  # fmt: skip

APP_COLUMNS = (
    "id public_id registration_number resident_id service_id variant_id status channel data nik "
    "village_id submitted_at promise_date status_changed_at created_at updated_at"
).split()
EVENT_COLUMNS = "id application_id status at actor_id note data".split()
HANDOVER_COLUMNS = "id application_id kind booking_id officer_id recipient at note".split()
CHECK_COLUMNS = (
    "id application_id requirement_id attachment_id decision reason note officer_id at".split()
)
FIGURE_COLUMNS = (
    "year semester kecamatan_code document sex age_band eligible owned imported_at".split()
)
RESIDENT_ID, OFFICER_ID = 1, 2
OFFICER = "bench-reports-officer"

PERIOD = "date_from=2025-01-01&date_to=2025-12-31"
PAGES = {
    "coverage": "/laporan/cakupan/?year=2025&semester=2&document=KIA",
    "kecamatan": f"/laporan/kecamatan/?{PERIOD}",
    "cards": f"/laporan/kartu-kurir/?{PERIOD}",
    "performance": f"/laporan/kinerja/?{PERIOD}",
}


# --- Data -------------------------------------------------------------------------------------


class Dataset:
    """Row i is a pure function of i (service, channel, village, dates, outcome)."""

    def __init__(self, rows, services, requirements, villages, kecamatan):
        self.rows = rows
        self.services = services  # [(id, code)]
        self.requirements = requirements  # service id → first requirement id
        self.villages = villages
        self.kecamatan = kecamatan

    def batch(self, start: int, stop: int):
        apps, events, handovers, checks = [], [], [], []
        for i in range(start, stop):
            service_id, code = self.services[i % len(self.services)]
            at = START + SPAN * (i / self.rows)
            finished = i % 10 < 8
            done = at + timedelta(days=i % 9 + 1, hours=2)
            changed = done if finished else at
            promise = (at + timedelta(hours=8)).date() + timedelta(days=7)
            apps.append(
                (i + 1, uuid.uuid4(), None, RESIDENT_ID, service_id, None,
                 "handed_over" if finished else "in_verification", CHANNELS[i % len(CHANNELS)],
                 "{}", "", self.villages[i % len(self.villages)], at, promise, changed, at, changed)
            )  # fmt: skip
            # Only the events a report reads (cards printed): the other statuses' events would
            # add load time and rows the (status, at) index skips anyway.
            if finished and code in ("KTP", "KIA"):
                printed = done - timedelta(days=1)
                events.append((i + 1, i + 1, "printed", printed, None, "", "{}"))
            if finished:
                kind = "delivered" if i % 20 == 0 else "counter"
                handovers.append((i + 1, i + 1, kind, None, None, "warga", done, ""))
            if i % 3 == 0 and service_id in self.requirements:
                decision = "rejected" if i % 7 == 0 else "accepted"
                checks.append(
                    (i // 3 + 1, i + 1, self.requirements[service_id], None, decision, "", "",
                     OFFICER_ID, at + timedelta(hours=1))
                )  # fmt: skip
        return apps, events, handovers, checks

    def figures(self):
        now = datetime.now(UTC)
        per_place = RESIDENTS / len(self.kecamatan) / 2
        rows = []
        for year in range(2021, 2026):
            for semester in (1, 2):
                for k, code in enumerate(self.kecamatan):
                    for d, (document, share) in enumerate(DOCUMENT_SHARE.items()):
                        for sex in ("L", "P"):
                            eligible = int(per_place * share)
                            owned = int(eligible * (0.5 + ((year + k + d) % 50) / 100))
                            rows.append(
                                (year, semester, code, document, sex, "", eligible, owned, now)
                            )
        return rows

    def users(self):
        now = datetime.now(UTC)
        return [
            (RESIDENT_ID, "!bench", None, False, "bench-resident", "", "", "", False, True, now,
             "+6281200000001", "id"),
            (OFFICER_ID, "!bench", None, False, OFFICER, "", "", "", True, True, now, "", "id"),
        ]  # fmt: skip


def reference(db):
    services = db.query("SELECT id, code FROM catalogue_service ORDER BY id")
    requirements = dict(
        db.query("SELECT service_id, MIN(id) FROM catalogue_requirement GROUP BY service_id")
    )
    villages = [row[0] for row in db.query("SELECT code FROM population_village ORDER BY code")]
    kecamatan = sorted({v[:6] for v in villages})
    return services, requirements, villages, kecamatan


TABLES = [
    ("applications_application", APP_COLUMNS),
    ("applications_event", EVENT_COLUMNS),
    ("handover_handover", HANDOVER_COLUMNS),
    ("applications_requirementcheck", CHECK_COLUMNS),
]


def load_sqlite(db: SqliteDatabase, dataset: Dataset) -> None:
    con = sqlite3.connect(db.path, isolation_level=None)
    try:
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-1048576")
        con.execute("BEGIN")
        con.executemany(insert_sql("accounts_user", USER_COLUMNS, "?"), dataset.users())
        con.executemany(
            insert_sql("reports_populationfigure", FIGURE_COLUMNS, "?"), dataset.figures()
        )
        con.execute("COMMIT")
        for start in range(0, dataset.rows, BATCH):
            parts = dataset.batch(start, min(start + BATCH, dataset.rows))
            con.execute("BEGIN")
            for (table, columns), rows in zip(TABLES, parts, strict=True):
                con.executemany(insert_sql(table, columns, "?"), rows)
            con.execute("COMMIT")
            progress(start + BATCH, dataset.rows)
        con.execute("ANALYZE")  # planner statistics, as after any bulk load
    finally:
        con.close()


def load_postgres(db: PostgresDatabase, dataset: Dataset) -> None:
    import psycopg

    with psycopg.connect(db.url) as conn:
        with conn.cursor() as cur:
            copy_rows(cur, "accounts_user", USER_COLUMNS, dataset.users())
            copy_rows(cur, "reports_populationfigure", FIGURE_COLUMNS, dataset.figures())
            for start in range(0, dataset.rows, BATCH):
                parts = dataset.batch(start, min(start + BATCH, dataset.rows))
                for (table, columns), rows in zip(TABLES, parts, strict=True):
                    copy_rows(cur, table, columns, rows)
                progress(start + BATCH, dataset.rows)
            for table in ["accounts_user", *(t for t, _c in TABLES)]:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


def progress(done: int, total: int) -> None:
    if min(done, total) % (BATCH * 5) == 0 or done >= total:
        print(f"  loaded {min(done, total):,}/{total:,} applications", flush=True)


# --- Measuring (in a Django process on the benchmark database) -----------------------------------

ZONE = "Asia/Makassar"


def hand_sql(vendor: str) -> dict[str, list[str]]:
    """The figures of each dashboard by hand: %(start)s/%(end)s bound the year in UTC."""
    if vendor == "sqlite":
        day = "date({}, '+480 minutes')".format
        month = "strftime('%%Y-%%m', {}, '+480 minutes')".format
    else:
        day = ("(({}) AT TIME ZONE '" + ZONE + "')::date").format
        month = ("to_char(({}) AT TIME ZONE '" + ZONE + "', 'YYYY-MM')").format
    period = "{0} >= %(start)s AND {0} < %(end)s".format
    cards = "(SELECT id FROM catalogue_service WHERE code IN ('KTP', 'KIA'))"
    return {
        "coverage": [
            "SELECT document, kecamatan_code, CASE WHEN sex = '' THEN 0 ELSE 1 END, SUM(eligible), "
            "SUM(owned) FROM reports_populationfigure WHERE year = 2025 AND semester = 2 "
            "GROUP BY 1, 2, 3",
            "SELECT document, percent FROM reports_coveragetarget WHERE year = 2025",
            "SELECT kecamatan_code, sex, eligible, owned FROM reports_populationfigure "
            "WHERE year = 2025 AND semester = 2 AND document = 'KIA' AND kecamatan_code <> ''",
            "SELECT year, semester, kecamatan_code, CASE WHEN sex = '' THEN 0 ELSE 1 END, "
            "SUM(eligible), SUM(owned) FROM reports_populationfigure WHERE document = 'KIA' "
            "GROUP BY 1, 2, 3, 4",
        ],
        "kecamatan": [
            f"SELECT substr(village_id, 1, 6), {month('submitted_at')}, COUNT(*) "
            f"FROM applications_application WHERE {period('submitted_at')} GROUP BY 1, 2",
        ],
        "cards": [
            f"SELECT {month('e.at')}, COUNT(DISTINCT e.application_id) FROM applications_event e "
            "JOIN applications_application a ON a.id = e.application_id "
            f"WHERE e.status = 'printed' AND {period('e.at')} AND a.service_id IN {cards} "
            "GROUP BY 1",
            f"SELECT {month('h.at')}, COUNT(*) FROM handover_handover h "
            "JOIN applications_application a ON a.id = h.application_id "
            f"WHERE h.kind = 'delivered' AND {period('h.at')} AND a.service_id IN {cards} "
            "GROUP BY 1",
        ],
        "performance": [
            f"SELECT {day('submitted_at')}, COUNT(*) FROM applications_application "
            f"WHERE {period('submitted_at')} GROUP BY 1",
            f"SELECT {day('status_changed_at')}, COUNT(*) FROM applications_application "
            f"WHERE status = 'handed_over' AND {period('status_changed_at')} GROUP BY 1",
            f"SELECT service_id, {day('submitted_at')}, {day('status_changed_at')}, COUNT(*), "
            f"SUM(CASE WHEN {day('status_changed_at')} <= promise_date THEN 1 ELSE 0 END) "
            "FROM applications_application "
            f"WHERE status = 'handed_over' AND {period('status_changed_at')} GROUP BY 1, 2, 3",
            "SELECT requirement_id, COUNT(*), SUM(CASE WHEN decision = 'rejected' THEN 1 ELSE 0 "
            f"END) FROM applications_requirementcheck WHERE {period('at')} GROUP BY 1",
            "SELECT channel, COUNT(*) FROM applications_application "
            f"WHERE {period('submitted_at')} GROUP BY 1",
            "SELECT kind, COUNT(*) FROM handover_handover "
            f"WHERE kind IN ('counter', 'delivered') AND {period('at')} GROUP BY 1",
        ],
    }


def best_of(repeat: int, run) -> float:
    run()  # warm-up: caches, statement preparation
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(repeat: int) -> dict:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from reports.views import REPORTS

    officer = User.objects.get(username=OFFICER)
    officer.groups.add(Group.objects.get_or_create(name=REPORTS)[0])
    device = TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    from zoneinfo import ZoneInfo

    zone = ZoneInfo(ZONE)
    bounds = {
        "start": connection.ops.adapt_datetimefield_value(datetime(2025, 1, 1, tzinfo=zone)),
        "end": connection.ops.adapt_datetimefield_value(datetime(2026, 1, 1, tzinfo=zone)),
    }

    def get(path):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
        return response

    def run_sql(queries):
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute(sql, bounds)
                cursor.fetchall()

    # A back-office page with no figures: Django's fixed cost per page (session, officer, menu).
    baseline = best_of(repeat, lambda: get("/laporan/"))
    results = {"_baseline_ms": round(baseline * 1000, 1)}
    for name, queries in hand_sql(connection.vendor).items():
        path = PAGES[name]
        page = best_of(repeat, lambda path=path: get(path))
        sql = best_of(repeat, lambda queries=queries: run_sql(queries))
        size = len(get(path).content)
        results[name] = {
            "path": path,
            "page_ms": round(page * 1000, 1),
            "sql_ms": round(sql * 1000, 1),
            "ratio": round(page / sql, 2),
            "net_ratio": round(max(page - baseline, 0) / sql, 2),
            "bytes": size,
        }
    return results


# --- Orchestration --------------------------------------------------------------------------------


def bench_database(kind: str, args) -> dict | None:
    tmp = Path(tempfile.mkdtemp(prefix=f"loket-reports-{kind}-"))
    tmp.chmod(0o755)
    db = SqliteDatabase(tmp) if kind == "sqlite" else PostgresDatabase(tmp)
    try:
        if not db.available():
            print("SKIPPED: PostgreSQL run — no initdb found")
            return None
        print(f"\n### {db.label}: fresh database in {tmp}", flush=True)
        db.start()
        env = app_env(db.url, tmp / "var")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")  # the pages name hashed static files
        dataset = Dataset(args.rows, *reference(db))
        print(f"  loading {args.rows:,} applications (+ events, handovers, checks) ...")
        started = time.perf_counter()
        (load_sqlite if kind == "sqlite" else load_postgres)(db, dataset)
        load_seconds = time.perf_counter() - started
        print(f"  load: {load_seconds:.0f} s", flush=True)
        done = subprocess.run(
            [VENV_BIN / "python", __file__, "--measure", "--repeat", str(args.repeat)],
            cwd=REPO, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"measuring failed:\n{done.stdout}\n{done.stderr}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        report = {
            "db": kind,
            "database": db.label,
            "database_version": db.version(),
            "applications": args.rows,
            "residents_in_aggregates": RESIDENTS,
            "load_seconds": round(load_seconds),
            "dashboards": figures,
        }
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        (RESULTS_DIR / f"reports-{kind}.json").write_text(json.dumps(report, indent=2) + "\n")
        return report
    finally:
        db.stop()
        subprocess.run(["rm", "-rf", str(tmp)], check=False)


def print_report(report: dict) -> None:
    print(
        f"== {report['database']} {report['database_version']}: "
        f"{report['applications']:,} applications, aggregates of "
        f"{report['residents_in_aggregates']:,} residents"
    )
    figures = dict(report["dashboards"])
    baseline = figures.pop("_baseline_ms")
    print(f"  fixed cost of a back-office page (GET /laporan/): {baseline:.1f} ms")
    print(f"  {'dashboard':<12} {'page ms':>9} {'SQL ms':>9} {'ratio':>6} {'net':>6}  verdict")
    for name, f in figures.items():
        verdict = "PASS" if f["ratio"] <= MAX_RATIO else "MISS"
        print(
            f"  {name:<12} {f['page_ms']:>9.1f} {f['sql_ms']:>9.1f} {f['ratio']:>6.2f} "
            f"{f['net_ratio']:>6.2f}  {verdict} (page <= {MAX_RATIO}x SQL; net = page minus "
            "the fixed cost)"
        )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.repeat)))
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    reports = [r for r in (bench_database(kind, args) for kind in kinds) if r]
    print()
    for report in reports:
        print_report(report)
    missed = any(
        f["ratio"] > MAX_RATIO
        for r in reports
        for name, f in r["dashboards"].items()
        if not name.startswith("_")
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

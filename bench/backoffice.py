"""Back-office benchmark: the verifier queue at scale, and the notification worker's drain rate.

For each database (SQLite and/or PostgreSQL) the script builds a fresh database, migrates it and
bulk-loads --rows applications with the status_lookup loader, but with a realistic spread of
statuses for a working office: the applications of the last weeks are still moving through the
lifecycle (some tens of thousands wait for a verifier), older ones are handed over, cancelled or
rejected, and a small backlog of old ones is stuck in the verifier queue. Villages are those of
the office's kota (regency 6471), so the queue spans its kecamatan; promise dates follow each
service's time limit or, for queued applications, a later new promise (after a fix or a supply
shortage), so about a third of the queue is overdue. Then it:

1. makes a verifier officer (staff, `verifier` group, confirmed TOTP device) and a session that
   has passed the second factor, as tests/conftest.py's make_officer/officer_login do;
2. counts the SQL queries of each queue page once, in-process (django.test.Client and
   CaptureQueriesContext through `manage.py shell -c`, against the loaded database);
3. serves the app with gunicorn as bin/serve does and measures, for --duration seconds each:
   GET /kantor/ (the verifier queue, first page), GET /kantor/?overdue=on and
   GET /kantor/?district=647105: requests, req/s, p50, p99; target p99 < 200 ms;
4. stops gunicorn, writes --messages pending SMS to the outbox, queues one deliver_message task
   per message with notifications.tasks.resume_outbox(), starts the fake SMS gateway
   (fakes/sms_gateway.py) and --task-workers `manage.py db_worker --batch` processes, and times
   until every message is `sent`; then checks the gateway got each message exactly once.

Results are printed as a table per database and written to bench/results/backoffice-<db>.json.

Run:
    .venv/bin/python bench/backoffice.py [--rows N] [--db sqlite|postgres|both] [--duration S]
                                         [--messages N]

Only loopback is used. Everything the script starts (PostgreSQL, gunicorn, the fake gateway, the
task workers) is stopped by its pid and the temp dirs are removed when it ends.
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import status_lookup as sl

REPO = sl.REPO
RESULTS_DIR = sl.RESULTS_DIR
HOST = sl.HOST

PAGE_MAX_P99_MS = 200.0
OFFICE_REGENCY = "6471"  # Kota Balikpapan, settings.OFFICE_REGENCY_CODE
DISTRICT = "647105"  # Balikpapan Selatan
SPAN = timedelta(days=720)  # submissions spread over the last two years
SMS_API_KEY = "bench-sms-key"
VERIFIER_USERNAME = "bench-verifier"

PAGES = {
    "verifier queue": "/kantor/",
    "overdue filter": "/kantor/?overdue=on",
    "district filter": f"/kantor/?district={DISTRICT}",
}
# Only counted, not timed: the queue's last page (fewer rows) must need the same queries.
LAST_PAGE = ("last page", "/kantor/?page=999999")

VILLAGES_SQL = (
    "SELECT v.code FROM population_village v JOIN population_district d "  # noqa: S608
    f"ON v.district_id = d.code WHERE d.regency_id = '{OFFICE_REGENCY}' ORDER BY v.code"
)

# Where an application is, by its age in days: the share still waiting for a verifier, and the
# statuses of the others. Finished ones dominate; the last weeks are still in progress.
QUEUE_SHARE = [(3, 0.95), (10, 0.70), (20, 0.45), (45, 0.20), (None, 0.01)]
QUEUE_STATUSES = [("submitted", 0.70), ("in_verification", 0.15), ("resubmitted", 0.15)]
QUEUED = {status for status, _ in QUEUE_STATUSES}
RECENT_OTHERS = [
    ("needs_fix", 0.08),
    ("verified", 0.10),
    ("sent_to_central", 0.12),
    ("approved", 0.10),
    ("printed", 0.10),
    ("issued", 0.05),
    ("ready_for_handover", 0.20),
    ("rejected_by_central", 0.02),
    ("handed_over", 0.23),
]
RECENT_DAYS = 45
OLD_OTHERS = [
    ("handed_over", 0.93),
    ("cancelled", 0.03),
    ("rejected", 0.02),
    ("ready_for_handover", 0.02),
]
# A queued application's promise date is its submission date plus the service's time limit, or
# later: resubmission after a fix and a supply shortage both set a new one. Spread from 10 days
# ago to 20 days ahead, so about a third of the queue is overdue or due within a working day.
PROMISE_SPREAD_DAYS = (-10, 20)
STATUS_COLUMN = sl.APP_COLUMNS.index("status")
PROMISE_COLUMN = sl.APP_COLUMNS.index("promise_date")


def pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    roll, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    return weighted[-1][0]


class QueueDataset(sl.Dataset):
    """status_lookup's rows, submitted over the two years up to `end`, with realistic statuses.

    Each row keeps its one timeline event ("submitted"); the queue pages do not read events.
    """

    def __init__(self, rows, services, villages, end: datetime):
        super().__init__(rows, services, villages)
        self.end = end
        self.first = end - SPAN
        self.today = end.astimezone(sl.OFFICE_TZ).date()

    def submitted_at(self, i: int) -> datetime:
        return self.first + SPAN * (i / self.rows)

    def status(self, i: int, rng: random.Random) -> str:
        age = (self.end - self.submitted_at(i)).total_seconds() / 86400
        share = next(s for days, s in QUEUE_SHARE if days is None or age < days)
        if rng.random() < share:
            return pick(rng, QUEUE_STATUSES)
        return pick(rng, RECENT_OTHERS if age < RECENT_DAYS else OLD_OTHERS)

    def batch(self, start: int, stop: int) -> tuple[list[tuple], list[tuple]]:
        applications, events = super().batch(start, stop)
        rng = random.Random(start)  # the same rows on every run and database
        rows = []
        for n, row in enumerate(applications):
            row = list(row)
            row[STATUS_COLUMN] = self.status(start + n, rng)
            if row[STATUS_COLUMN] in QUEUED:
                spread = timedelta(days=rng.randint(*PROMISE_SPREAD_DAYS))
                row[PROMISE_COLUMN] = max(row[PROMISE_COLUMN], self.today + spread)
            rows.append(tuple(row))
        return rows, events


# Run by `manage.py shell -c`: the verifier officer with a confirmed TOTP device, a session that
# passed both steps (as tests/conftest.py officer_login), in_verification rows assigned to them,
# and the size of each queue page's result. Prints one JSON line.
PREPARE_SNIPPET = """
import json, os
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import User
from applications import lifecycle
from applications.models import Application
from backoffice.selectors import QueueFilter, overdue_limit, work_queue
from django.utils import timezone

user = User.objects.create_user(username=os.environ["BENCH_VERIFIER"], password=None,
                                is_staff=True)
user.groups.set([Group.objects.get(name="verifier")])
device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.create()
Application.objects.filter(status=lifecycle.IN_VERIFICATION).update(assigned_to=user)
filters = {
    "verifier queue": QueueFilter(),
    "overdue filter": QueueFilter(overdue_only=True),
    "district filter": QueueFilter(district=os.environ["BENCH_DISTRICT"]),
}
limit = overdue_limit(timezone.localdate())
by_status = dict(Application.objects.values_list("status").annotate(n=Count("id")))
print(json.dumps({
    "session": session.session_key,
    "matching": {name: work_queue(user, f, limit).count() for name, f in filters.items()},
    "by_status": dict(sorted(by_status.items(), key=lambda kv: -kv[1])),
}))
"""

# Run by `manage.py shell -c`: each page through django.test.Client with the officer's session,
# queries captured. The first request warms per-process caches; the second is what a gunicorn
# worker does on every later request. Then BENCH_TIMED more requests one after another: the
# page's own cost without any queueing. Prints one JSON line.
QUERIES_SNIPPET = """
import json, os, re, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

client = Client()
client.cookies["sessionid"] = os.environ["BENCH_SESSION"]
result = {}
for name, path in json.loads(os.environ["BENCH_PAGES"]).items():
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        counts.append(len(captured.captured_queries))
    body = response.content.decode()
    sql = [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:2000]}
           for q in captured.captured_queries]  # before the next request resets the log
    timings = []
    for _ in range(int(os.environ["BENCH_TIMED"])):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    result[name] = {
        "in_process_ms": {"n": len(timings), "p50": round(timings[len(timings) // 2], 1),
                          "max": round(timings[-1], 1)},
        "status": response.status_code,
        "rows_on_page": len(re.findall(r'<a href="/kantor/permohonan/', body)),
        "queries_first": counts[0],
        "queries": counts[1],
        "sql": sql,
    }
print(json.dumps(result))
"""

# Run by `manage.py shell -c`: --messages pending SMS, then resume_outbox() (one deliver_message
# task each in the database task backend). Prints one JSON line.
OUTBOX_SNIPPET = """
import json, os, time
from notifications.models import OutboxMessage
from notifications.tasks import resume_outbox

count, rows = int(os.environ["BENCH_MESSAGES"]), int(os.environ["BENCH_ROWS"])
started = time.perf_counter()
OutboxMessage.objects.bulk_create(
    (OutboxMessage(channel="sms", recipient=f"+62813{k:08d}", application_id=k % rows + 1,
                   body=f"Loket: permohonan Anda sudah diverifikasi. Pesan bench nomor {k}.")
     for k in range(count)),
    batch_size=2000,
)
created = time.perf_counter() - started
started = time.perf_counter()
queued = resume_outbox()
print(json.dumps({"created": count, "create_seconds": round(created, 2), "queued": queued,
                  "enqueue_seconds": round(time.perf_counter() - started, 2)}))
"""

# Run by `manage.py shell -c` after the drain: what the database says about it.
DRAIN_REPORT_SNIPPET = """
import json
from django.db.models import Count, Max, Min
from django_tasks_db.models import DBTaskResult
from notifications.models import DeliveryAttempt, OutboxMessage

sent = OutboxMessage.objects.filter(status=OutboxMessage.SENT).aggregate(
    first=Min("sent_at"), last=Max("sent_at"))
print(json.dumps({
    "outbox": dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id"))),
    "more_than_one_attempt": OutboxMessage.objects.filter(attempts__gt=1).count(),
    "attempts": dict(DeliveryAttempt.objects.values_list("outcome").annotate(n=Count("id"))),
    "tasks": dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id"))),
    "first_sent_at": sent["first"].isoformat() if sent["first"] else None,
    "last_sent_at": sent["last"].isoformat() if sent["last"] else None,
}))
"""


def shell_json(env: dict[str, str], snippet: str, **extra: str) -> dict:
    out = sl.manage({**env, **extra}, "shell", "--verbosity", "0", "-c", snippet)
    return json.loads(out.strip().splitlines()[-1])


# --- Queue pages ------------------------------------------------------------------------------


def count_queries(env: dict[str, str], session: str) -> dict:
    pages = {**PAGES, LAST_PAGE[0]: LAST_PAGE[1]}
    return shell_json(
        env, QUERIES_SNIPPET, BENCH_SESSION=session, BENCH_PAGES=json.dumps(pages), BENCH_TIMED="20"
    )


def measure_pages(port: int, session: str, args) -> dict[str, sl.Outcome]:
    warmup = min(2.0, args.duration / 5)
    headers = {"Cookie": f"sessionid={session}"}

    def check(request, status, location, body):
        if status == 200 and b'<a href="/kantor/permohonan/' in body:
            return None
        return sl.describe(request, status, location, body)

    outcomes = {}
    for name, path in PAGES.items():
        sources = sl.random_requests(lambda _, path=path: path, [None], headers)
        print(f"  {name} GET {path}: {warmup:g} s warm-up, {args.duration:g} s measured")
        sl.drive(port, name, sources, check, warmup, args.concurrency)
        outcomes[name] = sl.drive(port, name, sources, check, args.duration, args.concurrency)
    return outcomes


# --- Worker drain -----------------------------------------------------------------------------


class Process:
    """A child process in its own session, stopped by its pid."""

    def __init__(self, name: str, command: list, env: dict[str, str], log: Path):
        self.name, self.log = name, log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                command,
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 20) -> None:
        if not self.running():
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def tail(self, lines: int = 20) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def start_gateway(tmp: Path, env: dict[str, str]) -> tuple[Process, int]:
    port = sl.free_port()
    gateway = Process(
        "sms gateway",
        [sl.VENV_BIN / "python", "fakes/sms_gateway.py", "--host", HOST, "--port", str(port),
         "--api-key", SMS_API_KEY],
        env, tmp / "sms_gateway.log",
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if not gateway.running():
            raise RuntimeError(f"the fake SMS gateway exited:\n{gateway.tail()}")
        try:
            if sl.fetch(port, "GET", "/api/v1/messages")[0] == 200:
                return gateway, port
        except OSError:
            pass
        time.sleep(0.1)
    gateway.stop()
    raise RuntimeError("the fake SMS gateway did not answer in 20 s")


def gateway_messages(port: int) -> list[dict]:
    status, _, body = sl.fetch(port, "GET", "/api/v1/messages")
    if status != 200:
        raise RuntimeError(f"GET /api/v1/messages on the fake gateway gave HTTP {status}")
    return json.loads(body)["messages"]


def outbox_counts(db) -> dict[str, int]:
    rows = db.query("SELECT status, count(*) FROM notifications_outboxmessage GROUP BY status")
    return {status: n for status, n in rows}


def drain(db, env: dict[str, str], tmp: Path, rows: int, args) -> dict:
    print(f"  outbox: writing {args.messages:,} pending SMS and queueing their tasks ...")
    outbox = shell_json(
        env, OUTBOX_SNIPPET, BENCH_MESSAGES=str(args.messages), BENCH_ROWS=str(rows)
    )
    print(
        f"  outbox: {outbox['created']:,} rows in {outbox['create_seconds']} s, "
        f"resume_outbox() queued {outbox['queued']:,} tasks in {outbox['enqueue_seconds']} s",
        flush=True,
    )
    gateway, gateway_port = start_gateway(tmp, env)
    worker_env = {
        **env,
        "SMS_BASE_URL": f"http://{HOST}:{gateway_port}",
        "SMS_API_KEY": SMS_API_KEY,
    }
    workers: list[Process] = []
    timeline: list[tuple[float, int]] = []
    timeout = max(120.0, args.messages / 5)
    try:
        started = time.perf_counter()
        for n in range(args.task_workers):
            workers.append(
                Process(
                    f"db_worker {n + 1}",
                    [
                        sl.VENV_BIN / "python",
                        "manage.py",
                        "db_worker",
                        "--queue-name",
                        "*",
                        "--no-startup-delay",
                        "--batch",
                    ],
                    worker_env,
                    tmp / f"db_worker-{n + 1}.log",
                )  # fmt: skip
            )
        print(
            f"  drain: fake SMS gateway on :{gateway_port}, {args.task_workers} db_worker "
            f"--batch process(es) started",
            flush=True,
        )
        all_sent_after = None
        last_report = started
        while True:
            counts = outbox_counts(db)
            now = time.perf_counter()
            sent = counts.get("sent", 0)
            timeline.append((round(now - started, 2), sent))
            if sent >= args.messages:
                all_sent_after = now - started
                break
            if not any(w.running() for w in workers):
                print(f"  drain: every worker exited with {counts}")
                break
            if now - started > timeout:
                print(f"  drain: gave up after {timeout:g} s with {counts}")
                break
            if now - last_report >= 10:
                print(f"  drain: {sent:,}/{args.messages:,} sent after {now - started:.0f} s")
                last_report = now
            time.sleep(0.2)
        for worker in workers:  # --batch: they exit once the queue is empty
            try:
                worker.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.stop()
        received = gateway_messages(gateway_port)
    finally:
        for worker in workers:
            worker.stop()
        gateway.stop()
    distinct = len({(m["to"], m["text"]) for m in received})
    report = shell_json(env, DRAIN_REPORT_SNIPPET)
    steady = None
    if report["first_sent_at"] and report["last_sent_at"]:
        first = datetime.fromisoformat(report["first_sent_at"])
        last = datetime.fromisoformat(report["last_sent_at"])
        sent_total = report["outbox"].get("sent", 0)
        if last > first and sent_total > 1:
            steady = (sent_total - 1) / (last - first).total_seconds()
    worker_logs = {}
    for worker in workers:
        if worker.proc.returncode not in (0, None):
            worker_logs[worker.name] = worker.tail()
    exactly_once = (
        len(received) == args.messages
        and distinct == args.messages
        and report["outbox"].get("sent", 0) == args.messages
    )
    return {
        "messages": args.messages,
        "task_workers": args.task_workers,
        **outbox,
        "all_sent_seconds": rounded(all_sent_after, 2),
        "messages_per_second": rounded(args.messages / all_sent_after if all_sent_after else None),
        "steady_messages_per_second": rounded(steady),
        "gateway_received": len(received),
        "gateway_distinct": distinct,
        "exactly_once": exactly_once,
        "worker_exit_codes": [w.proc.returncode for w in workers],
        "worker_log_tails": worker_logs,
        "database": report,
        "progress": timeline[:: max(1, len(timeline) // 60)] + timeline[-1:],
    }


# --- Report -----------------------------------------------------------------------------------


def rounded(value, digits: int = 1):
    return None if value is None else round(value, digits)


def page_figures(outcome: sl.Outcome, queries: dict, matching: int) -> dict:
    p99 = rounded(outcome.percentile(99))
    if p99 is None:
        verdict = "n/a"
    else:
        verdict = "PASS" if p99 < PAGE_MAX_P99_MS and not outcome.errors else "MISS"
    return {
        "path": PAGES[outcome.name],
        "matching_applications": matching,
        "rows_on_page": queries["rows_on_page"],
        "requests": outcome.requests,
        "errors": len(outcome.errors),
        "seconds": round(outcome.seconds, 3),
        "rps": round(outcome.rps, 1),
        "p50_ms": rounded(outcome.percentile(50)),
        "p99_ms": p99,
        "target": f"p99<{PAGE_MAX_P99_MS:g}ms",
        "result": verdict,
        "queries_per_request": queries["queries"],
        "in_process_ms": queries["in_process_ms"],
        "queries_first_request": queries["queries_first"],
        "sql": queries["sql"],
        "error_samples": sorted(set(outcome.errors))[:5],
    }


def sql_summary(sql: str) -> str:
    """The start of a statement and its WHERE clause, enough to tell the page's queries apart."""
    head = sql.split(" FROM ")[0][:40]
    where = sql.split(" WHERE ", 1)[1][:150] if " WHERE " in sql else ""
    return f"{head} ... WHERE {where}" if where else head


def show(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_report(report: dict) -> None:
    load = report["load"]
    print()
    print(
        f"== {report['database']} {report['database_version']}: {report['rows']:,} applications "
        f"loaded in {load['seconds']:.1f} s ({load['rows_per_second']:,.0f}/s); "
        f"gunicorn {report['workers']} sync workers, {report['concurrency']} client threads, "
        f"{report['duration']:g} s per page"
    )
    la = report["load_average_1min"]
    print(
        f"   machine: {la['cpus']} CPUs shared by client, server and database; 1-min load "
        f"average {la['before_pages']} before the pages, {la['before_drain']} before the drain"
    )
    statuses = ", ".join(f"{k} {v:,}" for k, v in report["by_status"].items())
    print(f"   statuses: {statuses}")
    header = (
        f"{'page':<16} {'request':<26} {'matching':>9} {'requests':>9} {'errors':>6} "
        f"{'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'queries':>7} {'alone ms':>8}  target"
    )
    print(header)
    print("-" * (len(header) + 18))
    for name, fig in report["pages"].items():
        print(
            f"{name:<16} {'GET ' + fig['path']:<26} {fig['matching_applications']:>9,} "
            f"{fig['requests']:>9,} {fig['errors']:>6,} {fig['rps']:>7.1f} "
            f"{show(fig['p50_ms'], '7.1f'):>7} {show(fig['p99_ms'], '7.1f'):>7} "
            f"{fig['queries_per_request']:>7} {fig['in_process_ms']['p50']:>8.1f}  "
            f"{fig['target']} {fig['result']}"
        )
    per_page = ", ".join(f"{n} {f['queries_per_request']}" for n, f in report["pages"].items())
    last = report["last_page"]
    print(
        f"   queries per request (in-process, django.test.Client + CaptureQueriesContext): "
        f"{per_page}; the queue's last page ({last['rows_on_page']} rows): {last['queries']}"
    )
    print(
        "   alone ms: p50 of 20 requests one after another in-process (no queueing, no HTTP); "
        "p50/p99 are at the client under load"
    )
    for name, fig in report["pages"].items():
        if fig["sql"]:
            slowest = max(fig["sql"], key=lambda q: q["ms"])
            print(
                f"   SQL of {name}: {sum(q['ms'] for q in fig['sql']):.0f} ms in all; slowest "
                f"{slowest['ms']:.0f} ms: {sql_summary(slowest['sql'])}"
            )
    for name, fig in report["pages"].items():
        for sample in fig["error_samples"]:
            print(f"   ERROR {name}: {sample}")
    d = report["drain"]
    if d:
        verdict = "PASS" if d["exactly_once"] else "MISS"
        print(
            f"worker drain: {d['messages']:,} SMS, {d['task_workers']} db_worker process(es): "
            f"all sent in {show(d['all_sent_seconds'], '.1f')} s = "
            f"{show(d['messages_per_second'], ',.1f')} messages/s (from worker start; "
            f"{show(d['steady_messages_per_second'], ',.1f')}/s between first and last send)"
        )
        print(
            f"   fake gateway received {d['gateway_received']:,} ({d['gateway_distinct']:,} "
            f"distinct), outbox {d['database']['outbox']}, retried "
            f"{d['database']['more_than_one_attempt']}: exactly once {verdict}; "
            f"enqueue (resume_outbox) {d['queued']:,} tasks in {d['enqueue_seconds']} s"
        )
        for name, tail in d["worker_log_tails"].items():
            print(f"   {name} log tail:\n{tail}")
    print(flush=True)


def write_report(report: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"backoffice-{report['db']}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


# --- Main -------------------------------------------------------------------------------------


def bench_database(kind: str, args) -> dict | None:
    tmp = Path(tempfile.mkdtemp(prefix=f"loket-bench-office-{kind}-"))
    tmp.chmod(0o755)  # PostgreSQL runs as `postgres` when we are root and must reach its dir
    db = sl.SqliteDatabase(tmp) if kind == "sqlite" else sl.PostgresDatabase(tmp)
    server = None
    try:
        if not db.available():
            print("SKIPPED: PostgreSQL run — no initdb found (install postgresql-15 to run it)")
            return None
        print(f"\n### {db.label}: fresh database in {tmp}", flush=True)
        db.start()
        env = sl.app_env(db.url, tmp / "var")
        sl.manage(env, "migrate", "--noinput")
        services = [sl.CatalogueService(*row) for row in db.query(sl.CATALOGUE_SQL)]
        villages = [row[0] for row in db.query(VILLAGES_SQL)]
        end = datetime.now(UTC) - timedelta(hours=1)
        dataset = QueueDataset(args.rows, services, villages, end)
        print(f"  loading {args.rows:,} applications over {len(villages)} villages ...", flush=True)
        started = time.perf_counter()
        db.load(dataset)
        load_seconds = time.perf_counter() - started
        print(f"  load: {load_seconds:.1f} s ({args.rows / load_seconds:,.0f} applications/s)")

        prepared = shell_json(
            env, PREPARE_SNIPPET, BENCH_VERIFIER=VERIFIER_USERNAME, BENCH_DISTRICT=DISTRICT
        )
        session = prepared["session"]
        print(f"  queue sizes for the verifier: {prepared['matching']}", flush=True)
        sl.manage(env, "collectstatic", "--noinput", "--verbosity", "0")  # pages use the manifest
        sl.manage(env, "db_optimize")  # planner statistics, as bin/serve does
        queries = count_queries(env, session)
        for name, q in queries.items():
            print(
                f"  {name}: HTTP {q['status']}, {q['rows_on_page']} rows on the page, "
                f"{q['queries']} queries ({q['queries_first']} on the first request); one at a "
                f"time in-process: p50 {q['in_process_ms']['p50']} ms, "
                f"max {q['in_process_ms']['max']} ms"
            )
            if q["status"] != 200:
                raise RuntimeError(f"{name} answered HTTP {q['status']} in-process")

        server = sl.Server(env, args.workers, tmp)
        server.start()
        print(f"  gunicorn on http://{HOST}:{server.port}/ ({args.workers} workers)", flush=True)
        load_before_pages = os.getloadavg()[0]
        outcomes = measure_pages(server.port, session, args)
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        server_log = RESULTS_DIR / f"backoffice-{kind}.server.log"
        shutil.copyfile(server.error_log, server_log)
        server.stop()  # the drain gets the machine's CPUs to itself
        server = None

        load_before_drain = os.getloadavg()[0]
        drained = drain(db, env, tmp, args.rows, args) if args.messages else None
        pages = {
            name: page_figures(outcomes[name], queries[name], prepared["matching"][name])
            for name in PAGES
        }
        return {
            "db": kind,
            "database": db.label,
            "database_version": db.version(),
            "rows": args.rows,
            "load": {
                "seconds": round(load_seconds, 1),
                "rows_per_second": round(args.rows / load_seconds),
            },
            "by_status": prepared["by_status"],
            "workers": args.workers,
            "concurrency": args.concurrency,
            "duration": args.duration,
            "pages": pages,
            "last_page": {k: queries[LAST_PAGE[0]][k] for k in ("rows_on_page", "queries")},
            "load_average_1min": {
                "before_pages": round(load_before_pages, 2),
                "before_drain": round(load_before_drain, 2),
                "cpus": os.cpu_count(),
            },
            "drain": drained,
            "server_log": str(server_log.relative_to(REPO)),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    finally:
        if server is not None:
            server.stop()
        db.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="applications to load")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per page")
    parser.add_argument(
        "--concurrency", type=int, default=0,
        help="client threads (default: --workers, so requests do not queue behind each other)",
    )  # fmt: skip
    parser.add_argument(
        "--messages", type=int, default=10_000, help="SMS for the worker drain (0: skip it)"
    )
    parser.add_argument("--task-workers", type=int, default=2, help="db_worker processes")
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "3")),
        help="gunicorn workers (WEB_WORKERS, default 3 as bin/serve)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.rows < sl.RESIDENTS:
        parser.error(f"--rows must be at least {sl.RESIDENTS}")
    args.concurrency = args.concurrency or args.workers
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so cleanup runs on kill
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    reports = []
    for kind in kinds:
        report = bench_database(kind, args)
        if report:
            print(f"  results: {write_report(report).relative_to(REPO)}")
            print_report(report)
            reports.append(report)
    if len(reports) > 1:
        print("== Summary")
        for report in reports:
            print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

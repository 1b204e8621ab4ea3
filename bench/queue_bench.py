"""Counter-queue benchmark: a booking rush on the last free slots, and display-board latency.

For each database (SQLite and/or PostgreSQL) the script builds a fresh migrated database, serves
it with gunicorn exactly as `make run` does (status_lookup.Server) and measures:

* booking rush   --clients residents (default 200), each signed in with their own account and
                 NIK, POST /antrian/pesan/ at the same instant for the last 10 free slots of a
                 day (AKW: one counter, one visit per slot, the earlier slots already booked).
                 Target: exactly 10 bookings succeed, the rest are told the slot is full, and
                 the database shows no slot over capacity and no NIK booked twice.
* board latency  --boards display boards (default 50) poll /antrian/papan/data.json with their
                 ETag, a poll starting every 500 ms as the board page does, while an officer
                 calls --calls tickets at counter 1 (POST .../panggil/, then "served").
                 Latency is from the
                 moment the call's POST is sent to each board receiving the new number.
                 Target: p99 < 1 s.

Run (bench/queue.py is the launcher; this file is the benchmark):
    .venv/bin/python bench/queue.py [--db sqlite|postgres|both] [--clients N] [--boards N]

Figures are printed with PASS/MISS and written to bench/results/queue-<db>.json.
"""

import sys
from pathlib import Path

# bench/queue.py sits in this folder: first on sys.path it would shadow the standard library's
# `queue` (used by concurrent.futures, logging, psycopg). Keep the folder, but last.
BENCH_DIR = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p != BENCH_DIR] + [BENCH_DIR]

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

import status_lookup as sl  # noqa: E402

HOST, REPO, RESULTS_DIR = sl.HOST, sl.REPO, sl.RESULTS_DIR
FREE_SLOTS = 10
BOARD_POLL_SECONDS = 0.5  # counter_queue.views.BOARD_POLL_MS
BOARD_P99_LIMIT_MS = 1000.0
CALL_INTERVAL_SECONDS = 1.5

# Run by `manage.py shell -c`: the day's earlier AKW slots booked (AKW has one counter taking one
# visit per slot), residents with sessions, an officer at counter 1 who passed the second factor,
# and walk-in tickets to call. Prints one JSON line.
PREPARE_SNIPPET = """
import json, os
from datetime import timedelta
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import User
from counter_queue import services
from counter_queue.models import QueueService
from workdays.calendar import WorkingCalendar

def session_for(user, device=None):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key

free, clients, calls = (int(os.environ[k]) for k in ("BENCH_FREE", "BENCH_CLIENTS", "BENCH_CALLS"))
today = timezone.localdate()
day = WorkingCalendar(today, today + timedelta(days=60)).next_working_day(today)
akw = QueueService.objects.select_related("service").get(service__code="AKW")
akw.daily_quota = 1000  # the slots, not the quota, are what runs out here
akw.save()
times = [start for start, _ in services.slot_times(services.hours_for(day))]
assert services.slot_capacity(akw) == 1 and len(times) > free, (services.slot_capacity(akw), times)
for i, start in enumerate(times[:-free]):
    filler = User.objects.create(username=f"bench-filler-{i}", phone=f"+6281100{i:06d}")
    services.booking_create(resident=filler, nik=f"6471050107909{i:03d}", service=akw, day=day,
                            starts_at=start)
users = User.objects.bulk_create(
    User(username=f"bench-{i:04d}", phone=f"+62812{i:08d}") for i in range(clients))
officer = User.objects.create_user(username="bench-officer", password=None, is_staff=True)
officer.groups.set([Group.objects.get(name="verifier")])
device = TOTPDevice.objects.create(user=officer, name="default", confirmed=True)
ktp = QueueService.objects.get(service__code="KTP")
for _ in range(calls + 5):
    services.walk_in_issue(service=ktp, officer=officer)
print(json.dumps({
    "day": day.isoformat(),
    "letter": akw.letter,
    "free_times": [t.strftime("%H:%M") for t in times[-free:]],
    "sessions": [session_for(u) for u in users],
    "officer_session": session_for(officer, device),
}))
"""


def request(port, method, path, headers=None, body=None, timeout=60):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheader("Location"), response.read()
    finally:
        conn.close()


def form_headers(session: str, token: str) -> dict:
    return {
        "Cookie": f"sessionid={session}; csrftoken={token}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))]


# --- booking rush ------------------------------------------------------------------------------


def booking_rush(port, prepared, db) -> dict:
    token = secrets.token_hex(16)  # a CSRF secret of our own, sent as cookie and form field
    sessions = prepared["sessions"]
    free_times = prepared["free_times"]
    start = threading.Barrier(len(sessions))
    results = [None] * len(sessions)

    def book(i):
        body = (
            f"csrfmiddlewaretoken={token}&service={prepared['letter']}&date={prepared['day']}"
            f"&time={free_times[i % len(free_times)]}&nik=647105010790{i + 1:04d}"
        ).encode()
        start.wait()
        began = time.perf_counter()
        try:
            status, location, content = request(
                port, "POST", "/antrian/pesan/", form_headers(sessions[i], token), body
            )
        except OSError as exc:
            results[i] = ("error", repr(exc), 0.0)
            return
        elapsed = (time.perf_counter() - began) * 1000
        if status == 302 and location and "/antrian/pesanan/" in location:
            results[i] = ("booked", location, elapsed)
        elif status == 400 and b"sudah penuh" in content:
            results[i] = ("full", "", elapsed)
        else:
            results[i] = ("error", f"HTTP {status} {content[:160]!r}", elapsed)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(len(sessions))]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    kinds = [r[0] for r in results]
    over = db.query(
        "SELECT s.id, s.capacity, s.booked, (SELECT count(*) FROM queue_booking b "
        "WHERE b.slot_id = s.id AND b.status = 'active') FROM queue_slot s"
    )
    twice = db.query(
        "SELECT nik, service_id, count(*) FROM queue_booking WHERE status = 'active' "
        "GROUP BY nik, service_id HAVING count(*) > 1"
    )
    overfull = [row for row in over if row[3] > row[1] or row[2] != row[3]]
    succeeded = kinds.count("booked")
    return {
        "clients": len(sessions),
        "free_places": len(free_times),
        "succeeded": succeeded,
        "told_full": kinds.count("full"),
        "errors": kinds.count("error"),
        "error_samples": sorted({r[1] for r in results if r[0] == "error"})[:3],
        "wall_seconds": round(wall, 2),
        "p50_ms": round(percentile([r[2] for r in results], 50), 1),
        "p99_ms": round(percentile([r[2] for r in results], 99), 1),
        "slots_over_capacity_or_miscounted": len(overfull),
        "niks_booked_twice": len(twice),
        "result": "PASS"
        if succeeded == FREE_SLOTS and not overfull and not twice and not kinds.count("error")
        else "MISS",
    }


# --- board latency -----------------------------------------------------------------------------


class Board(threading.Thread):
    """One display board: polls with its ETag and notes when it first sees each number."""

    def __init__(self, port, index, stop):
        super().__init__(daemon=True)
        self.port, self.index, self.stop = port, index, stop
        self.seen: dict[str, float] = {}
        self.requests = self.not_modified = self.errors = 0
        self.request_ms: list[float] = []

    def run(self):
        etag = None
        time.sleep(BOARD_POLL_SECONDS * self.index / 50)  # boards were switched on at random
        while not self.stop.is_set():
            began = time.perf_counter()
            try:
                headers = {"If-None-Match": etag} if etag else {}
                conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
                conn.request("GET", "/antrian/papan/data.json", headers=headers)
                response = conn.getresponse()
                body = response.read()
                conn.close()
            except OSError:
                self.errors += 1
                time.sleep(BOARD_POLL_SECONDS)
                continue
            now = time.perf_counter()
            self.requests += 1
            self.request_ms.append((now - began) * 1000)
            if response.status == 304:
                self.not_modified += 1
            elif response.status == 200:
                etag = response.getheader("ETag")
                for row in json.loads(body)["counters"]:
                    if row["counter"] == 1 and row["ticket"]:
                        self.seen.setdefault(row["ticket"], now)
            else:
                self.errors += 1
            # As the board page: the next poll starts 500 ms after this one started.
            time.sleep(max(0.0, BOARD_POLL_SECONDS - (time.perf_counter() - began)))


def board_latency(port, prepared, boards: int, calls: int) -> dict:
    token = secrets.token_hex(16)
    headers = form_headers(prepared["officer_session"], token)
    body = f"csrfmiddlewaretoken={token}".encode()
    stop = threading.Event()
    clients = [Board(port, i, stop) for i in range(boards)]
    for client in clients:
        client.start()
    time.sleep(2)  # every board has its first full answer
    made: dict[str, float] = {}
    problems = []
    for _ in range(calls):
        time.sleep(CALL_INTERVAL_SECONDS)
        began = time.perf_counter()
        status, _, _ = request(port, "POST", "/kantor/antrian/loket/1/panggil/", headers, body)
        _, _, page = request(port, "GET", "/kantor/antrian/loket/1/", headers)
        label = re.search(rb'id="current-ticket">([A-Z]-\d+)<', page)
        served = re.search(rb"/kantor/antrian/loket/1/selesai/\d+/", page)
        if status != 302 or not label or not served:
            problems.append(f"call: HTTP {status}, page without a called ticket")
            continue
        made[label.group(1).decode()] = began
        request(port, "POST", served.group(0).decode(), headers, body)
    time.sleep(4)  # the last call reaches every board
    stop.set()
    for client in clients:
        client.join(15)
    latencies, missed = [], 0
    for client in clients:
        for label, at in made.items():
            if label in client.seen:
                latencies.append((client.seen[label] - at) * 1000)
            else:
                missed += 1
    requests = sum(c.requests for c in clients)
    p99 = percentile(latencies, 99)
    return {
        "boards": boards,
        "calls": len(made),
        "samples": len(latencies),
        "missed": missed,
        "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
        "p99_ms": round(p99, 1) if p99 is not None else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "board_requests": requests,
        "not_modified_share": round(sum(c.not_modified for c in clients) / requests, 3)
        if requests
        else None,
        "board_request_p99_ms": round(percentile([m for c in clients for m in c.request_ms], 99), 1)
        if requests
        else None,
        "board_errors": sum(c.errors for c in clients),
        "call_problems": problems[:3],
        "result": "PASS"
        if p99 is not None and p99 < BOARD_P99_LIMIT_MS and not missed and not problems
        else "MISS",
    }


# --- main --------------------------------------------------------------------------------------


def bench_database(kind: str, args) -> dict | None:
    tmp = Path(tempfile.mkdtemp(prefix=f"loket-bench-queue-{kind}-"))
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
        snippet_env = {
            **env,
            "BENCH_FREE": str(FREE_SLOTS),
            "BENCH_CLIENTS": str(args.clients),
            "BENCH_CALLS": str(args.calls),
        }
        out = sl.manage(snippet_env, "shell", "--verbosity", "0", "-c", PREPARE_SNIPPET)
        prepared = json.loads(out.strip().splitlines()[-1])
        server = sl.Server(env, args.workers, tmp)
        server.start()
        print(f"  gunicorn on http://{HOST}:{server.port}/ ({args.workers} workers)", flush=True)
        print(
            f"  booking rush: {args.clients} residents at once for the last {FREE_SLOTS} slots "
            f"of {prepared['day']}",
            flush=True,
        )
        rush = booking_rush(server.port, prepared, db)
        load = sl.os.getloadavg()[0]
        print(
            f"  board latency: {args.boards} boards, {args.calls} calls "
            f"(1-min load average before: {load:.2f} on {sl.os.cpu_count()} CPUs)",
            flush=True,
        )
        board = board_latency(server.port, prepared, args.boards, args.calls)
        log = RESULTS_DIR / f"queue-{kind}.server.log"
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(server.error_log, log)
        return {
            "db": kind,
            "database": db.label,
            "database_version": db.version(),
            "workers": args.workers,
            "booking_rush": rush,
            "board_latency": {**board, "load_average_before": round(load, 2)},
            "server_log": str(log.relative_to(REPO)),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    finally:
        if server is not None:
            server.stop()
        db.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def print_report(report: dict) -> None:
    rush, board = report["booking_rush"], report["board_latency"]
    print(f"\n== {report['database']} {report['database_version']}, {report['workers']} workers")
    print(
        f"booking rush   {rush['clients']} clients, {rush['free_places']} free places: "
        f"{rush['succeeded']} booked, {rush['told_full']} told full, {rush['errors']} errors; "
        f"slots over capacity/miscounted {rush['slots_over_capacity_or_miscounted']}, "
        f"NIKs booked twice {rush['niks_booked_twice']}; {rush['wall_seconds']} s wall, "
        f"p50 {rush['p50_ms']} ms, p99 {rush['p99_ms']} ms  -> exactly {FREE_SLOTS} "
        f"{rush['result']}"
    )
    for sample in rush["error_samples"]:
        print(f"   ERROR booking: {sample}")
    print(
        f"board latency  {board['boards']} boards x {board['calls']} calls = "
        f"{board['samples']} samples ({board['missed']} missed): p50 {board['p50_ms']} ms, "
        f"p99 {board['p99_ms']} ms, max {board['max_ms']} ms  -> p99<1s {board['result']}"
    )
    print(
        f"               {board['board_requests']} board polls, "
        f"{board['not_modified_share']:.0%} answered 304, poll p99 "
        f"{board['board_request_p99_ms']} ms, {board['board_errors']} errors; "
        f"load average before {board['load_average_before']}"
    )
    for problem in board["call_problems"]:
        print(f"   ERROR call: {problem}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", type=int, default=200, help="simultaneous bookings")
    parser.add_argument("--boards", type=int, default=50, help="polling display boards")
    parser.add_argument("--calls", type=int, default=20, help="tickets called during the run")
    parser.add_argument(
        "--workers", type=int, default=int(sl.os.environ.get("WEB_WORKERS", "3")),
        help="gunicorn workers (WEB_WORKERS, default 3 as bin/serve)",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so cleanup runs on kill
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    reports = []
    for kind in kinds:
        report = bench_database(kind, args)
        if report:
            path = RESULTS_DIR / f"queue-{kind}.json"
            path.write_text(json.dumps(report, indent=2) + "\n")
            print(f"  results: {path.relative_to(REPO)}")
            print_report(report)
            reports.append(report)
    if len(reports) > 1:
        print("\n== Summary")
        for report in reports:
            print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

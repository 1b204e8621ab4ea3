"""Mixed load: residents, the API, WhatsApp webhooks and the back office at once, on PostgreSQL.

Everything on this machine, as docs/deploy.md sets up one office (one box):

* a throwaway PostgreSQL 15 (status_lookup.PostgresDatabase: initdb/pg_ctl as bin/with-postgres,
  fsync off) with --rows applications loaded by backoffice.QueueDataset (two years of a working
  office: most handed over, the last weeks still in the verifier's queue);
* gunicorn with --workers sync workers (bin/serve's flags), LOKET_ENV=development;
* --task-workers `nice -n 10 manage.py db_worker --queue-name '*'` processes (bin/serve's task
  workers) answering the WhatsApp messages through the fake Cloud API
  (whatsapp_ingest.FakeCloud, a child process);
* --concurrency client threads in this process, each sending, one after another, a request drawn
  at random with these weights (a closed loop: a thread waits for its answer):

  | kind             | weight | request                                                    |
  |------------------|--------|------------------------------------------------------------|
  | home             | 15     | GET /                                                      |
  | service page     | 10     | GET /layanan/<code>/ (KTP, KK, KIA, AKL, …)                |
  | status page      | 20     | GET /permohonan/<uuid>/ as the resident who owns it        |
  | status API       | 25     | GET /api/v1/applications/<number>/status?nik=<nik>         |
  | WhatsApp webhook | 20     | POST /channels/whatsapp/webhook, signed, one text message   |
  | back office      | 10     | GET /kantor/ or /kantor/?overdue=on as a verifier (2FA done)|

For --duration seconds (after --warmup unrecorded seconds) it records every answer's latency
by kind, and samples every 0.5 s the CPU time of each process group from /proc (gunicorn
master and workers, task workers, PostgreSQL backends, the fake Cloud API, this load client)
and PostgreSQL's pg_stat_activity (active backends and what they wait on). It prints, and
writes to bench/results/load.json: requests/s and p50/p99 per kind and overall, errors, CPU
cores used per group, the task queue's backlog at the end, and the bottleneck: the group using
most CPU when the machine's CPUs are saturated, or PostgreSQL lock waits if those dominate.

Run:
    .venv/bin/python bench/load.py                      # 300,000 rows, 60 s (~2.5 min in all)
    .venv/bin/python bench/load.py --rows 20000 --duration 10 --warmup 2   # quick check

Every process it starts is stopped by its pid; its temp dirs are removed when it ends.
"""

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import status_lookup as sl
import whatsapp_ingest as wi
from cpu import all_processes

import backoffice as bo

REPO, HOST, RESULTS_DIR = sl.REPO, sl.HOST, sl.RESULTS_DIR
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

MIX = [
    ("home", 15),
    ("service page", 10),
    ("status page", 20),
    ("status API", 25),
    ("WhatsApp webhook", 20),
    ("back office", 10),
]
SERVICE_CODES = ["KTP", "KK", "KIA", "AKL", "AKM", "SKPWNI"]


# --- Requests ---------------------------------------------------------------------------------


class Mix:
    """Draws the next request of each client thread; one RNG per thread."""

    def __init__(self, dataset, resident_session, officer_session, webhooks):
        rng = random.Random(7)
        self.keys = [dataset.key(rng.randrange(dataset.rows)) for _ in range(20_000)]
        self.owned = dataset.owned_public_ids or [None]
        self.resident = {"Cookie": f"sessionid={resident_session}"}
        self.officer = {"Cookie": f"sessionid={officer_session}"}
        self.webhooks = webhooks
        self.kinds = [kind for kind, _ in MIX]
        self.weights = [weight for _, weight in MIX]

    def request(self, rng: random.Random) -> tuple[str, sl.Request]:
        kind = rng.choices(self.kinds, self.weights)[0]
        if kind == "home":
            return kind, ("GET", "/", {}, None)
        if kind == "service page":
            return kind, ("GET", f"/layanan/{rng.choice(SERVICE_CODES)}/", {}, None)
        if kind == "status page":
            return kind, ("GET", f"/permohonan/{rng.choice(self.owned)}/", self.resident, None)
        if kind == "status API":
            number, nik = rng.choice(self.keys)
            return kind, ("GET", f"/api/v1/applications/{number}/status?nik={nik}", {}, None)
        if kind == "WhatsApp webhook":
            return kind, self.webhooks.request()
        page = "/kantor/" if rng.random() < 0.7 else "/kantor/?overdue=on"
        return kind, ("GET", page, self.officer, None)


def run_load(port: int, mix: Mix, seconds: float, concurrency: int) -> dict:
    """Closed-loop client threads for `seconds`; latencies (ms) and errors by kind."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        rng = random.Random(100 + index)
        mine_ok: dict[str, list[float]] = defaultdict(list)
        mine_err: dict[str, list[str]] = defaultdict(list)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.perf_counter() < deadline:
            kind, (method, path, headers, body) = mix.request(rng)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                content = response.read()
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                mine_err[kind].append(f"{method} {path}: {exc!r}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.status == 200:
                mine_ok[kind].append(elapsed)
            else:
                mine_err[kind].append(f"{method} {path}: HTTP {response.status} {content[:120]!r}")
        conn.close()
        with lock:
            for kind, values in mine_ok.items():
                latencies[kind].extend(values)
            for kind, values in mine_err.items():
                errors[kind].extend(values)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "latencies": latencies, "errors": errors}


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))
    return round(ordered[int(rank)], 1)


def figures(result: dict) -> dict:
    seconds = result["seconds"]
    rows = {}
    every: list[float] = []
    for kind, _ in MIX:
        ok = result["latencies"].get(kind, [])
        every += ok
        rows[kind] = {
            "requests": len(ok) + len(result["errors"].get(kind, [])),
            "errors": len(result["errors"].get(kind, [])),
            "rps": round(len(ok) / seconds, 1),
            "p50_ms": percentile(ok, 50),
            "p99_ms": percentile(ok, 99),
        }
    rows["overall"] = {
        "requests": sum(r["requests"] for r in rows.values()),
        "errors": sum(r["errors"] for r in rows.values()),
        "rps": round(len(every) / seconds, 1),
        "p50_ms": percentile(every, 50),
        "p99_ms": percentile(every, 99),
    }
    return rows


# --- What the machine is busy with ------------------------------------------------------------


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all but idle and iowait), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS


def descendants(table: dict, roots: list[int]) -> set[int]:
    found = {pid for pid in roots if pid in table}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in table.items():
            if parent in found and pid not in found:
                found.add(pid)
                grew = True
    return found


class CpuSampler:
    """CPU seconds per process group over the measured window (children counted as they come
    and go: a process's last sample stands for it after it exits)."""

    def __init__(self, groups: dict[str, list[int]], db_url: str):
        self.groups = groups
        self.db_url = db_url
        self.seen: dict[int, tuple[str, float, float]] = {}  # pid -> group, first, last
        self.activity: dict[str, int] = defaultdict(int)
        self.samples = 0
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def sample(self) -> None:
        table = all_processes()
        for group, roots in self.groups.items():
            for pid in descendants(table, roots):
                cpu = table[pid][1]
                if pid in self.seen:
                    name, first, _ = self.seen[pid]
                    self.seen[pid] = (name, first, cpu)
                else:
                    self.seen[pid] = (group, cpu, cpu)

    def sample_database(self, conn) -> None:
        rows = conn.execute(
            "SELECT state, coalesce(wait_event_type, 'CPU') FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchall()
        self.samples += 1
        for state, wait in rows:
            if state == "active":
                self.activity[f"active ({wait})"] += 1
            else:
                self.activity[state or "other"] += 1

    def loop(self) -> None:
        import psycopg

        with psycopg.connect(self.db_url, autocommit=True) as conn:
            while not self.stop_event.is_set():
                self.sample()
                self.sample_database(conn)
                self.stop_event.wait(0.5)

    def start(self) -> None:
        self.started = time.perf_counter()
        self.machine_busy = machine_busy_seconds()
        self.sample()
        self.thread.start()

    def stop(self) -> dict:
        self.stop_event.set()
        self.thread.join()
        self.sample()
        wall = time.perf_counter() - self.started
        used: dict[str, float] = defaultdict(float)
        for group, first, last in self.seen.values():
            used[group] += last - first
        cores = {group: round(used[group] / wall, 2) for group in self.groups}
        busy = (machine_busy_seconds() - self.machine_busy) / wall
        # Whatever else runs on this machine meanwhile (other jobs) competes for the same CPUs.
        cores["other processes"] = round(max(0.0, busy - sum(used.values()) / wall), 2)
        per_sample = {
            state: round(count / max(1, self.samples), 2)
            for state, count in sorted(self.activity.items(), key=lambda kv: -kv[1])
        }
        return {"cores": cores, "pg_backends_on_average": per_sample, "seconds": round(wall, 1)}


def bottleneck(cpu: dict, cpus: int, rows: dict) -> str:
    cores = cpu["cores"]
    total = sum(cores.values())
    ours = {k: v for k, v in cores.items() if k != "other processes"}
    top, top_cores = max(ours.items(), key=lambda kv: kv[1])
    waits = {k: v for k, v in cpu["pg_backends_on_average"].items() if "Lock" in k}
    lock_waiting = sum(waits.values())
    slowest = max(
        (k for k in rows if k != "overall" and rows[k]["p99_ms"] is not None),
        key=lambda k: rows[k]["p99_ms"],
    )
    if lock_waiting >= 1:
        return (
            f"PostgreSQL locks: {lock_waiting:.1f} backends wait on a lock on average "
            f"({waits}); the slowest kind is {slowest}"
        )
    saturated = total >= 0.85 * cpus
    share = top_cores / sum(ours.values()) if total else 0
    head = (
        f"CPU: the {cpus} CPUs are saturated ({total:.2f} cores busy)"
        if saturated
        else f"not CPU-bound ({total:.2f} of {cpus} cores busy): latency is queueing for "
        "the sync workers"
    )
    return (
        f"{head}; {top} uses the most ({top_cores:.2f} cores, {share:.0%} of Loket's busy "
        f"time; other processes on the machine {cores.get('other processes', 0):.2f}); "
        f"PostgreSQL uses {cores.get('PostgreSQL', 0):.2f}; the slowest kind at p99 is {slowest}"
    )


# --- Set-up -----------------------------------------------------------------------------------


def prepare_sessions(env: dict[str, str], dataset) -> tuple[str, str, dict]:
    resident = sl.prepare(env, dataset, drafts=0)
    officer = bo.shell_json(
        env, bo.PREPARE_SNIPPET, BENCH_VERIFIER=bo.VERIFIER_USERNAME, BENCH_DISTRICT=bo.DISTRICT
    )
    return resident.session, officer["session"], officer["matching"]


def check_pages(port: int, mix: Mix) -> None:
    """Every kind answers 200 once before the load starts (a broken set-up fails loudly)."""
    rng = random.Random(1)
    missing = {kind for kind, _ in MIX}
    tries = 0
    while missing and tries < 500:
        tries += 1
        kind, (method, path, headers, body) = mix.request(rng)
        if kind not in missing:
            continue
        status, _, content = sl.fetch(port, method, path, headers, body)
        if status != 200:
            raise RuntimeError(f"{kind}: {method} {path} gave HTTP {status}: {content[:300]!r}")
        missing.discard(kind)


def task_backlog(db) -> dict:
    rows = db.query(
        "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
    )
    return dict(rows)


def run(args) -> dict | None:
    tmp = Path(tempfile.mkdtemp(prefix="loket-bench-load-"))
    tmp.chmod(0o755)  # PostgreSQL runs as `postgres` when we are root and must reach its dir
    db = sl.PostgresDatabase(tmp)
    server = fake = None
    workers: list = []
    try:
        if not db.available():
            print("SKIPPED: no initdb found (install postgresql-15 to run bench/load.py)")
            return None
        print(f"### PostgreSQL: fresh database in {tmp}", flush=True)
        db.start()
        fake = wi.FakeCloud(tmp)
        env = wi.app_env(db.url, tmp / "var", fake)
        sl.manage(env, "migrate", "--noinput")
        services = [sl.CatalogueService(*row) for row in db.query(sl.CATALOGUE_SQL)]
        villages = [row[0] for row in db.query(bo.VILLAGES_SQL)]
        dataset = bo.QueueDataset(
            args.rows, services, villages, datetime.now(UTC) - timedelta(hours=1)
        )
        print(f"  loading {args.rows:,} applications ...", flush=True)
        db.load(dataset)
        resident_session, officer_session, queue = prepare_sessions(env, dataset)
        print(f"  verifier's queue: {queue['verifier queue']:,} applications", flush=True)

        server = sl.Server(env, args.workers, tmp, share_session=True)
        server.start()
        workers = wi.start_workers(env, tmp, args.task_workers, args.task_worker_nice)
        print(
            f"  gunicorn on http://{HOST}:{server.port}/ ({args.workers} workers), "
            f"{args.task_workers} task workers (nice {args.task_worker_nice})",
            flush=True,
        )
        webhooks = wi.Webhooks(phones=2000, tag="L")
        mix = Mix(dataset, resident_session, officer_session, webhooks)
        check_pages(server.port, mix)

        print(f"  warm-up {args.warmup:g} s, then {args.duration:g} s measured", flush=True)
        run_load(server.port, mix, args.warmup, args.concurrency)
        postmaster = int((db.dir / "data" / "postmaster.pid").read_text().split()[0])
        sampler = CpuSampler(
            {
                "gunicorn": [server.proc.pid],
                "task workers": [w.proc.pid for w in workers],
                "PostgreSQL": [postmaster],
                "fake Cloud API": [fake.process.proc.pid],
                "load client": [os.getpid()],
            },
            db.url,
        )
        sampler.start()
        result = run_load(server.port, mix, args.duration, args.concurrency)
        cpu = sampler.stop()
        rows = figures(result)
        backlog = task_backlog(db)
        size = db.query("SELECT pg_database_size(current_database())")[0][0]
        sample_errors = {k: v[:3] for k, v in result["errors"].items() if v}
        load_average = os.getloadavg()[0]
        return {
            "database": "PostgreSQL",
            "database_version": db.version(),
            "rows": args.rows,
            "verifier_queue": queue["verifier queue"],
            "web_workers": args.workers,
            "task_workers": args.task_workers,
            "concurrency": args.concurrency,
            "duration": args.duration,
            "cpus": os.cpu_count(),
            "mix": dict(MIX),
            "kinds": rows,
            "cpu": cpu,
            "load_average_1min": round(load_average, 2),
            "tasks_at_end": backlog,
            "database_megabytes": round(size / 2**20),
            "webhook_replies_sent": fake.count()["sent"],
            "bottleneck": bottleneck(cpu, os.cpu_count(), rows),
            "sample_errors": sample_errors,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    finally:
        wi.stop_all(workers, server, fake, db, tmp)


def print_report(report: dict) -> None:
    print(
        f"\n## Mixed load — PostgreSQL {report['database_version']}, {report['rows']:,} "
        f"applications, {report['web_workers']} gunicorn workers, {report['task_workers']} task "
        f"workers, {report['concurrency']} clients, {report['duration']:g} s, "
        f"{report['cpus']} CPUs"
    )
    print(f"{'kind':<18}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for kind, row in report["kinds"].items():
        p50 = "-" if row["p50_ms"] is None else f"{row['p50_ms']:.1f}"
        p99 = "-" if row["p99_ms"] is None else f"{row['p99_ms']:.1f}"
        print(
            f"{kind:<18}{row['requests']:>10,}{row['errors']:>8}{row['rps']:>9.1f}{p50:>9}{p99:>9}"
        )
    print("CPU cores used: " + ", ".join(f"{k} {v:.2f}" for k, v in report["cpu"]["cores"].items()))
    backends = report["cpu"]["pg_backends_on_average"]
    print(f"PostgreSQL client backends (average per sample): {backends}")
    print(
        f"task queue at the end: {report['tasks_at_end']}; WhatsApp replies sent: "
        f"{report['webhook_replies_sent']:,}"
    )
    print(f"database size: {report['database_megabytes']:,} MB")
    print(f"bottleneck: {report['bottleneck']}")
    for kind, samples in report["sample_errors"].items():
        print(f"  errors ({kind}): {samples}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=300_000, help="applications to load")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="unrecorded seconds first")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 3)), help="gunicorn"
    )
    parser.add_argument("--task-workers", type=int, default=2)
    parser.add_argument("--task-worker-nice", type=int, default=10)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    report = run(args)
    if report is None:
        return 0
    print_report(report)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / "load.json"
    out.write_text(json.dumps(report, indent=1))
    print(f"written to {out.relative_to(REPO)}")
    return 1 if report["kinds"]["overall"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

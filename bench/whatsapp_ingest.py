"""WhatsApp ingest benchmark: sustained signed webhook POSTs, and how fast the replies go out.

For each database (SQLite and/or PostgreSQL) the script builds a fresh, migrated database and
starts, all on 127.0.0.1:

* the fake WhatsApp Cloud API (fakes/whatsapp_cloud.py `serve()`, in a child process) that
  accepts Loket's Graph API sends and counts them;
* gunicorn as `make run` serves the app (bin/serve's flags: `gunicorn loket.wsgi --chdir src`,
  3 workers) with LOKET_ENV=development, LOKET_BENCH_BARE_VIEW=1 and WHATSAPP_* pointing at the
  fake;
* --task-workers `chrt --idle 0 nice -n 10 manage.py db_worker --queue-name '*'
  --no-startup-delay` processes, the task workers bin/serve runs, with the same environment.

gunicorn and the workers stay in this script's session, as bin/serve's do in its: Linux shares
the CPU equally between sessions (scheduler autogroups), so a worker in a session of its own
would take as much CPU as all of gunicorn whatever its priority. The webhooks are built and
signed before each phase, so the client spends no more CPU per request than on the bare view.

Then, with --concurrency client threads, each phase --duration seconds after a short warm-up:

1. bare view: the baseline, Django doing nothing: POST /bench/bare (GET /bench/bare, and a note
   saying so, if the bare view answers a POST with anything but 200);
2. webhook, no worker: POST /channels/whatsapp/webhook before the task workers start (the web
   tier alone; the messages queue up). Each POST is a Cloud API notification signed with the
   app secret carrying one text message (unique wamid, residents from a pool of --phones
   numbers): "STATUS KTP-000000-<unique>", which the engine answers at once with a reply naming
   that number (it does not exist: "tidak ditemukan");
3. backlog: --task-workers `db_worker` processes start and answer that queue (informational:
   the workers' rate with the web tier idle);
4. webhook ingest: the same POSTs again with the workers answering: the sustained figure the
   ingest targets apply to;
5. end to end: after the load of 4 stops, the fake's send count is polled until every accepted
   webhook has its reply (or --drain-timeout passes). The rate is the phase's accepted webhooks
   / (time the fake accepted the last reply - start of the phase). Every reply is matched to
   its webhook by the number it names: zero lost means every webhook accepted in any phase got
   exactly one reply, and nothing else was sent.

Targets: webhook ingest >= 0.5x the bare view and >= 400 messages/s; end to end >= 80
messages/s; zero lost. Figures are printed and written to bench/results/whatsapp_ingest-<db>.json
(the gunicorn and worker logs next to it). The client, gunicorn, the workers, the fake and the
database share the machine's CPUs; a table shows each one's CPU per phase (bench/cpu.py), which
is where the bottleneck shows.

Run:
    .venv/bin/python bench/whatsapp_ingest.py [--db sqlite|postgres|both] [--duration S]
        [--concurrency N] [--task-workers N]

It reuses status_lookup.py's databases, gunicorn runner and load generator. Every process it
starts is stopped by its pid and its temp dirs are removed when it ends.
"""

import argparse
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from datetime import UTC, datetime
from pathlib import Path

import status_lookup as sl
from cpu import CpuMeter, spent
from cpu import describe as describe_cpu

REPO, HOST, RESULTS_DIR = sl.REPO, sl.HOST, sl.RESULTS_DIR
sys.path.insert(0, str(REPO))
from fakes.whatsapp_cloud import contact, encode, notification, sign, text_message  # noqa: E402

WEBHOOK_PATH = "/channels/whatsapp/webhook"
APP_SECRET = "bench-whatsapp-app-secret"  # noqa: S105 - the local fake's, not a real one
ACCESS_TOKEN = "bench-whatsapp-token"  # noqa: S105
PHONE_NUMBER_ID = "100000000000001"

INGEST_MIN_RATIO = 0.5
INGEST_MIN_RATE = 400.0
END_TO_END_MIN_RATE = 80.0
PREBUILT_PER_SECOND = 2500  # signed webhooks made ready per second of a phase

# Run in a child process: the fake Cloud API, plus GET /bench/count (sends so far and when the
# last one was accepted) so polling does not fetch every message. Each send is stamped "t".
FAKE_SNIPPET = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from fakes.whatsapp_cloud import serve

server, state = serve(sys.argv[2], int(sys.argv[3]), app_secret=sys.argv[4],
                      access_token=sys.argv[5], webhook_url="", phone_number_id=sys.argv[6])
state.bench_last = None
record_send = state.record_send

def stamped(payload):
    record = record_send(payload)
    record["t"] = state.bench_last = time.time()
    return record

state.record_send = stamped

class Handler(server.RequestHandlerClass):
    def do_GET(self):
        if self.path == "/bench/count":
            with state.lock:
                answer = {"sent": len(state.sent), "last": state.bench_last}
            return self._json(200, answer)
        return super().do_GET()

server.RequestHandlerClass = Handler
print("ready", flush=True)
server.serve_forever()
"""


# --- Processes --------------------------------------------------------------------------------


class Process:
    """A child process in its own process group, stopped by its pid. It stays in this script's
    session: Linux's scheduler autogroups are per session, and bin/serve starts gunicorn and
    the task workers in one, where their nice values and idle scheduling take effect."""

    def __init__(self, name: str, command: list, env: dict[str, str], log: Path):
        self.name, self.log = name, log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [str(part) for part in command],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                process_group=0,
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


class FakeCloud:
    """fakes/whatsapp_cloud.py in a child process on a free port."""

    def __init__(self, tmp: Path):
        self.port = sl.free_port()
        self.process = Process(
            "fake Cloud API",
            [sl.VENV_BIN / "python", "-c", FAKE_SNIPPET, REPO, HOST, self.port, APP_SECRET,
             ACCESS_TOKEN, PHONE_NUMBER_ID],
            {**os.environ, "PYTHONPATH": str(REPO)},
            tmp / "whatsapp_cloud.log",
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if not self.process.running():
                raise RuntimeError(f"the fake Cloud API exited:\n{self.process.tail()}")
            try:
                self.count()
                return
            except (OSError, ValueError):
                time.sleep(0.1)
        self.process.stop()
        raise RuntimeError("the fake Cloud API did not answer in 20 s")

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def count(self) -> dict:
        status, _, body = sl.fetch(self.port, "GET", "/bench/count")
        if status != 200:
            raise ValueError(f"GET /bench/count gave HTTP {status}")
        return json.loads(body)

    def sent(self) -> list[dict]:
        status, _, body = sl.fetch(self.port, "GET", "/api/sent")
        if status != 200:
            raise RuntimeError(f"GET /api/sent on the fake gave HTTP {status}")
        return json.loads(body)["messages"]

    def stop(self) -> None:
        self.process.stop()


def app_env(database_url: str, var_dir: Path, fake: FakeCloud) -> dict[str, str]:
    env = sl.app_env(database_url, var_dir)
    env.update(
        LOKET_ENV="development",
        LOKET_BENCH_BARE_VIEW="1",
        WHATSAPP_API_BASE_URL=fake.url,
        WHATSAPP_ACCESS_TOKEN=ACCESS_TOKEN,
        WHATSAPP_APP_SECRET=APP_SECRET,
        WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID,
    )
    env.pop("TASKS_BACKEND", None)  # the database task queue, as bin/serve runs it
    return env


def start_workers(
    env: dict[str, str], tmp: Path, count: int, nice: int, sched: str = "idle"
) -> list[Process]:
    """The task workers as bin/serve starts them: SCHED_IDLE (`chrt --idle 0`, where chrt
    exists) and niced, so they run only on CPU time the web tier leaves."""
    idle = ["chrt", "--idle", "0"] if sched == "idle" and shutil.which("chrt") else []
    return [
        Process(
            f"db_worker {n}",
            [
                *idle,
                "nice",
                "-n",
                str(nice),
                sl.VENV_BIN / "python",
                "manage.py",
                "db_worker",
                "--queue-name",
                "*",
                "--no-startup-delay",
            ],
            env,
            tmp / f"db_worker-{n}.log",
        )  # fmt: skip
        for n in range(1, count + 1)
    ]


# --- Load -------------------------------------------------------------------------------------


class Webhooks:
    """Signed Cloud API notifications, one new text message each; remembers when each was
    sent and which were accepted (keyed by the unique number the text carries)."""

    def __init__(self, phones: int, tag: str, prebuilt: int = 0):
        self.phones = phones
        self.tag = tag
        self.seq = itertools.count()
        self.sent_at: dict[str, float] = {}
        self.accepted: set[str] = set()
        self.lock = threading.Lock()
        # Built and signed before the phase, so the client's own work weighs on the server's
        # CPUs no more than the bare view's requests do; built on the fly if they run out.
        self.ready = deque(self._build() for _ in range(prebuilt))

    def number(self, i: int) -> str:
        return f"KTP-000000-{self.tag}{sl.registration_suffix(i)}"

    def phone(self, i: int) -> str:
        return f"+62812{(i * 7919) % self.phones:08d}"

    def _build(self) -> sl.Request:
        i = next(self.seq)
        number, phone = self.number(i), self.phone(i)
        message = text_message(phone, f"STATUS {number}", message_id=f"wamid.bench.{number}")
        body = encode(
            notification([message], contacts=[contact(phone)], phone_number_id=PHONE_NUMBER_ID)
        )
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(body, APP_SECRET),
            "X-Bench-Number": number,  # for the check below; the app ignores it
        }
        return ("POST", WEBHOOK_PATH, headers, body)

    def request(self) -> sl.Request:
        try:
            request = self.ready.popleft()
        except IndexError:
            request = self._build()
        self.sent_at[request[2]["X-Bench-Number"]] = time.time()
        return request

    def sources(self, worker: int):
        return self.request

    def check(self, request: sl.Request, status: int, location, body: bytes) -> str | None:
        if status != 200:
            return sl.describe(request, status, location, body)
        with self.lock:
            self.accepted.add(request[2]["X-Bench-Number"])
        return None


def measure_bare(port: int, args, metered_run) -> tuple[sl.Outcome, str]:
    """The baseline: POST /bench/bare if the bare view takes a POST, else GET."""
    status, _, _ = sl.fetch(
        port, "POST", "/bench/bare", {"Content-Type": "application/json"}, b"{}"
    )
    method = "POST" if status == 200 else "GET"
    note = (
        "POST /bench/bare"
        if method == "POST"
        else f"GET /bench/bare (POST /bench/bare answers HTTP {status})"
    )

    def sources(worker: int):
        body = b"{}" if method == "POST" else None
        headers = {"Content-Type": "application/json"} if method == "POST" else {}
        return lambda: (method, "/bench/bare", headers, body)

    warmup = min(2.0, args.duration / 5)
    print(f"  bare view ({note}): {warmup:g} s warm-up, {args.duration:g} s measured", flush=True)
    sl.drive(port, "bare view", sources, sl.check_status(200), warmup, args.concurrency)
    outcome = metered_run(lambda: sl.drive(port, "bare view", sources, sl.check_status(200),
                                           args.duration, args.concurrency))  # fmt: skip
    return outcome, note


def wait_for_replies(fake: FakeCloud, expected: int, timeout: float, label: str) -> dict:
    """Poll the fake until it has accepted `expected` sends in all (or `timeout` passes, or
    nothing moves for a minute)."""
    started = time.perf_counter()
    last_change, last_seen, last_report = started, -1, started
    while True:
        count = fake.count()
        now = time.perf_counter()
        if count["sent"] != last_seen:
            last_seen, last_change = count["sent"], now
        if count["sent"] >= expected:
            return {**count, "complete": True, "waited": now - started}
        if now - started > timeout or now - last_change > 60:
            print(f"  {label}: gave up with {count['sent']:,}/{expected:,} replies", flush=True)
            return {**count, "complete": False, "waited": now - started}
        if now - last_report >= 10:
            print(f"  {label}: {count['sent']:,}/{expected:,} replies after {now - started:.0f} s")
            last_report = now
        time.sleep(0.1)


def reply_number(sent: dict) -> str | None:
    payload = sent.get("payload", {})
    text = (payload.get("text") or {}).get("body", "") if sent.get("type") == "text" else ""
    for word in text.replace(",", " ").split():
        if word.startswith("KTP-000000-"):
            return word.rstrip(".")
    return None


def account(sent: list[dict], webhooks: list[Webhooks]) -> dict:
    """Match every reply to its webhook by the number it names."""
    accepted = set().union(*(w.accepted for w in webhooks))
    replies = Counter(reply_number(m) for m in sent)
    missing = [n for n in accepted if replies.get(n, 0) == 0]
    repeated = [n for n in accepted if replies.get(n, 0) > 1]
    unexpected = sum(c for n, c in replies.items() if n not in accepted)
    return {
        "accepted_webhooks": len(accepted),
        "replies": len(sent),
        "lost": len(missing),
        "duplicated": len(repeated),
        "unexpected": unexpected,
        "samples": {"lost": sorted(missing)[:5], "duplicated": sorted(repeated)[:5]},
        "zero_lost": not missing and not repeated and not unexpected,
    }


def latencies(sent: list[dict], webhooks: Webhooks) -> list[float]:
    """Seconds from each measured webhook's POST to its reply reaching the fake."""
    out = []
    for message in sent:
        number = reply_number(message)
        if number in webhooks.accepted and "t" in message:
            out.append(message["t"] - webhooks.sent_at[number])
    return out


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))
    return ordered[int(rank)]


# --- Database checks --------------------------------------------------------------------------

COUNT_SQL = {
    "inbound": "SELECT state, count(*) FROM channels_inboundmessage GROUP BY state",
    "outbox": "SELECT status, count(*) FROM notifications_outboxmessage GROUP BY status",
    "tasks": "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status",
}


def handled(db) -> int:
    """Inbound messages the engine has answered (their replies may still wait to be sent)."""
    return db.query("SELECT count(*) FROM channels_inboundmessage WHERE state = 'done'")[0][0]


def database_counts(db) -> dict[str, dict[str, int]]:
    return {name: dict(db.query(sql)) for name, sql in COUNT_SQL.items()}


# --- One database -----------------------------------------------------------------------------


def drive_webhooks(port: int, webhooks: Webhooks, seconds: float, args) -> sl.Outcome:
    return sl.drive(port, "webhook", webhooks.sources, webhooks.check, seconds, args.concurrency)


def rate_since(sent: list[dict], webhooks: Webhooks, since: float) -> float | None:
    """Replies to `webhooks` per second from `since` to the last of them."""
    stamps = [m["t"] for m in sent if "t" in m and reply_number(m) in webhooks.accepted]
    if not stamps or max(stamps) <= since:
        return None
    return len(stamps) / (max(stamps) - since)


def copy_logs(kind: str, server, tmp: Path, task_workers: int) -> None:
    """gunicorn's error log, and the last lines of each worker's (they log every task)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(server.error_log, RESULTS_DIR / f"whatsapp_ingest-{kind}.gunicorn.log")
    for n in range(1, task_workers + 1):
        source = tmp / f"db_worker-{n}.log"
        if source.exists():
            lines = source.read_text(errors="replace").splitlines()[-200:]
            target = RESULTS_DIR / f"whatsapp_ingest-{kind}.db_worker-{n}.log"
            target.write_text("\n".join(lines) + "\n")


def postmaster_pid(db) -> int | None:
    pid_file = getattr(db, "dir", None) and db.dir / "data" / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file and pid_file.exists() else None


def metered(meter: CpuMeter, cpu: dict, name: str, run):
    """Run one load phase, noting each process group's CPU for it in `cpu[name]`."""
    before = meter.snapshot()
    outcome = run()
    cpu[name] = describe_cpu(spent(before, meter.snapshot()), outcome.seconds, outcome.requests)
    return outcome


def run_database(kind: str, args) -> dict | None:
    tmp = Path(tempfile.mkdtemp(prefix=f"loket-bench-wa-{kind}-"))
    tmp.chmod(0o755)  # PostgreSQL runs as `postgres` when we are root and must reach its dir
    db = sl.SqliteDatabase(tmp) if kind == "sqlite" else sl.PostgresDatabase(tmp)
    fake = server = None
    workers: list[Process] = []
    try:
        if not db.available():
            print("SKIPPED: PostgreSQL run — no initdb found (install postgresql-15 to run it)")
            return None
        print(f"\n### {db.label}: fresh database in {tmp}", flush=True)
        db.start()
        fake = FakeCloud(tmp)
        env = app_env(db.url, tmp / "var", fake)
        sl.manage(env, "migrate", "--noinput")
        server = sl.Server(env, args.workers, tmp, share_session=True)
        server.start()
        port = server.port
        print(
            f"  gunicorn on http://{HOST}:{port}/ ({args.workers} workers), fake Cloud API on "
            f"{fake.url}",
            flush=True,
        )
        meter, cpu = CpuMeter(), {}
        meter.add("gunicorn", server.proc.pid)
        meter.add("fake Cloud API", fake.process.proc.pid)
        meter.add("database server", postmaster_pid(db))
        load_before = os.getloadavg()[0]
        bare, bare_note = measure_bare(
            port, args, lambda run: metered(meter, cpu, "bare view", run)
        )
        warmup = min(2.0, args.duration / 5)

        # The web tier alone: the task workers are not started yet, the tasks wait.
        warm = Webhooks(args.phones, "W", prebuilt=PREBUILT_PER_SECOND * int(warmup))
        alone = Webhooks(args.phones, "A", prebuilt=PREBUILT_PER_SECOND * int(args.duration))
        print(
            f"  webhooks, no task worker running: {warmup:g} s warm-up, {args.duration:g} s "
            "measured",
            flush=True,
        )
        drive_webhooks(port, warm, warmup, args)
        ingest_alone = metered(
            meter,
            cpu,
            "webhook, no worker",
            lambda: drive_webhooks(port, alone, args.duration, args),
        )

        # The workers start and work off that backlog alone.
        workers_started_at, before_backlog = time.time(), meter.snapshot()
        workers = start_workers(
            env, tmp, args.task_workers, args.task_worker_nice, args.task_worker_sched
        )
        for worker in workers:
            meter.add("task workers", worker.proc.pid)
        queued = len(warm.accepted) + len(alone.accepted)
        print(
            f"  {args.task_workers} db_worker process(es) started on {queued:,} queued messages",
            flush=True,
        )
        settled = wait_for_replies(fake, queued, args.drain_timeout, "backlog")
        baseline = settled["sent"]
        cpu["backlog"] = describe_cpu(
            spent(before_backlog, meter.snapshot()), time.time() - workers_started_at, queued
        )

        # Sustained: webhooks while the workers answer them.
        measured = Webhooks(args.phones, "M", prebuilt=PREBUILT_PER_SECOND * int(args.duration))
        print(f"  webhooks with the workers answering: {args.duration:g} s measured", flush=True)
        handled_before = handled(db)
        started_at = time.time()
        ingest = metered(
            meter,
            cpu,
            "webhook ingest",
            lambda: drive_webhooks(port, measured, args.duration, args),
        )
        load_stopped_at = time.time()
        at_stop = fake.count()["sent"] - baseline
        handled_at_stop = handled(db) - handled_before
        print(
            f"  load stopped: {len(measured.accepted):,} accepted, {at_stop:,} replied so far; "
            "waiting for the rest",
            flush=True,
        )
        done = wait_for_replies(
            fake, baseline + len(measured.accepted), args.drain_timeout, "end to end"
        )
        sent = fake.sent()
        for worker in workers:
            if not worker.running():
                print(f"  WARNING: {worker.name} exited early:\n{worker.tail()}")
        counts = database_counts(db)
        copy_logs(kind, server, tmp, args.task_workers)

        complete = done["complete"] and settled["complete"]
        seconds = (done["last"] - started_at) if done["last"] and complete else None
        drained = (done["last"] - load_stopped_at) if seconds else None
        e2e_latency = latencies(sent, measured)
        end_to_end = {
            "messages": len(measured.accepted),
            "complete": complete,
            "seconds": sl.rounded(seconds, 2),
            "rate": sl.rounded(len(measured.accepted) / seconds if seconds else None),
            "replied_during_load": at_stop,
            "handled_during_load": handled_at_stop,
            "rate_while_loading": sl.rounded(at_stop / (load_stopped_at - started_at)),
            "drain_after_load_seconds": sl.rounded(drained, 2),
            "rate_after_load": sl.rounded(
                (len(measured.accepted) - at_stop) / drained if drained else None
            ),
            "latency_p50_s": sl.rounded(percentile(e2e_latency, 50), 2),
            "latency_p99_s": sl.rounded(percentile(e2e_latency, 99), 2),
            "backlog_messages": len(alone.accepted),
            "backlog_rate_workers_alone": sl.rounded(rate_since(sent, alone, workers_started_at)),
        }
        report = {
            "db": kind,
            "database": db.label,
            "database_version": db.version(),
            "workers": args.workers,
            "task_workers": args.task_workers,
            "task_worker_nice": args.task_worker_nice,
            "task_worker_sched": args.task_worker_sched,
            "concurrency": args.concurrency,
            "duration": args.duration,
            "phones": args.phones,
            "cpus": os.cpu_count(),
            "load_average_before": round(load_before, 2),
            "baseline": bare_note,
            "scenarios": {
                "bare view": sl.scenario_figures(bare, None),
                "webhook, no worker": sl.scenario_figures(ingest_alone, bare),
                "webhook ingest": sl.scenario_figures(ingest, bare),
            },
            "cpu": cpu,
            "end_to_end": end_to_end,
            "exactly_once": account(sent, [warm, alone, measured]),
            "database_counts": counts,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        report["targets"] = evaluate(report)
        return report
    finally:
        stop_all(workers, server, fake, db, tmp)


def stop_all(workers: list, server, fake, db, tmp: Path) -> None:
    """Stop what a run started (each by its pid), newest first, and remove its files."""
    for worker in workers:
        worker.stop()
    if server is not None:
        server.stop()
    if fake is not None:
        fake.stop()
    db.stop()
    shutil.rmtree(tmp, ignore_errors=True)


# --- Report -----------------------------------------------------------------------------------


def evaluate(report: dict) -> list[dict]:
    ingest, e2e = report["scenarios"]["webhook ingest"], report["end_to_end"]
    lost = report["exactly_once"]
    return [
        sl.target("ingest >= 0.5x bare", ingest["ratio_vs_bare"], INGEST_MIN_RATIO, True),
        sl.target("ingest >= 400 msg/s", ingest["rps"] or None, INGEST_MIN_RATE, True),
        sl.target("end to end >= 80 msg/s", e2e["rate"], END_TO_END_MIN_RATE, True),
        {
            "target": "zero lost, one reply each",
            "value": lost["lost"] + lost["duplicated"] + lost["unexpected"],
            "limit": 0,
            "result": "PASS" if lost["zero_lost"] and e2e["complete"] else "MISS",
        },
    ]


def print_report(report: dict) -> None:
    print()
    print(f"== {report['database']} {report['database_version']}: WhatsApp webhook ingest")
    print(
        f"   gunicorn {report['workers']} sync workers, {report['task_workers']} db_worker "
        f"(nice {report.get('task_worker_nice', 0)}, "
        f"{report.get('task_worker_sched', 'normal')} scheduling), "
        f"{report['concurrency']} client threads, {report['duration']:g} s per phase, "
        f"{report['phones']} residents, {report['cpus']} CPUs shared by all (1-min load "
        f"{report['load_average_before']} before)"
    )
    print(f"   baseline: {report['baseline']}")
    header = (
        f"{'scenario':<20} {'requests':>9} {'errors':>7} {'msg/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'vs bare':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, fig in report["scenarios"].items():
        print(
            f"{name:<20} {fig['requests']:>9,} {fig['errors']:>7,} {fig['rps']:>8.1f} "
            f"{sl.show(fig['p50_ms'], '8.1f'):>8} {sl.show(fig['p99_ms'], '8.1f'):>8} "
            f"{sl.show(fig['ratio_vs_bare'], '8.2f'):>8}"
        )
    print_cpu(report["cpu"])
    e2e, once = report["end_to_end"], report["exactly_once"]
    print(
        f"backlog: the workers alone answered the {e2e['backlog_messages']:,} webhooks of "
        f"'webhook, no worker' at {sl.show(e2e['backlog_rate_workers_alone'], '.1f')} msg/s "
        "(from their start, Django start-up included, to the last reply)"
    )
    print(
        f"end to end ('webhook ingest'): {e2e['messages']:,} webhooks, all answered "
        f"{sl.show(e2e['seconds'], '.1f')} s after the load began = {sl.show(e2e['rate'], '.1f')} "
        f"msg/s (while loading: {e2e['handled_during_load']:,} handled by the engine, "
        f"{e2e['replied_during_load']:,} replies sent = "
        f"{sl.show(e2e['rate_while_loading'], '.1f')}/s, the rest "
        f"{sl.show(e2e['drain_after_load_seconds'], '.1f')} s after = "
        f"{sl.show(e2e['rate_after_load'], '.1f')}/s); webhook→reply p50 "
        f"{sl.show(e2e['latency_p50_s'], '.2f')} s, p99 {sl.show(e2e['latency_p99_s'], '.2f')} s"
    )
    print(
        f"exactly once: {once['accepted_webhooks']:,} webhooks accepted (all phases), "
        f"{once['replies']:,} replies: {once['lost']} lost, {once['duplicated']} duplicated, "
        f"{once['unexpected']} unexpected"
    )
    counts = report["database_counts"]
    print(
        f"database: inbound {counts['inbound']}, outbox {counts['outbox']}, tasks {counts['tasks']}"
    )
    for t in report["targets"]:
        print(f"   {t['result']:<4} {t['target']} (value {sl.show(t['value'], '')})")
    for name, fig in report["scenarios"].items():
        for sample in fig["error_samples"]:
            print(f"   ERROR {name}: {sample}")
    print(flush=True)


def print_cpu(cpu: dict) -> None:
    """Each phase's CPU per process group: % of one core, and ms per request."""
    groups = sorted({group for phase in cpu.values() for group in phase})
    print("CPU per process group, % of one core (ms per request):")
    for phase, used in cpu.items():
        parts = [
            f"{group} {used[group]['cpu_percent']:.0f}% ({used[group]['ms_per_request']:.2f})"
            for group in groups
            if group in used
        ]
        print(f"  {phase:<20} " + ", ".join(parts))


def write_report(report: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"whatsapp_ingest-{report['db']}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per load phase")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "3")),
        help="gunicorn workers (WEB_WORKERS, default 3 as bin/serve)",
    )  # fmt: skip
    parser.add_argument(
        "--task-workers", type=int, default=int(os.environ.get("TASK_WORKERS", "2")),
        help="db_worker processes (TASK_WORKERS, default 2 as bin/serve)",
    )  # fmt: skip
    parser.add_argument(
        "--task-worker-nice",
        type=int,
        default=int(os.environ.get("TASK_WORKER_NICE", "10")),
        help="the workers' nice value (TASK_WORKER_NICE, default 10 as bin/serve)",
    )
    parser.add_argument(
        "--task-worker-sched", choices=["idle", "normal"],
        default=os.environ.get("TASK_WORKER_SCHED", "idle"),
        help="the workers' CPU scheduling (TASK_WORKER_SCHED, default idle as bin/serve)",
    )  # fmt: skip
    parser.add_argument("--phones", type=int, default=500, help="distinct residents")
    parser.add_argument(
        "--drain-timeout", type=float, default=600.0,
        help="seconds to wait for the replies after the load stops",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so cleanup runs on kill
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    reports = []
    for kind in kinds:
        report = run_database(kind, args)
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

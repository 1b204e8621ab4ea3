"""Status-lookup benchmark: how fast Loket answers "where is my application?" at scale.

For each database (SQLite and/or PostgreSQL) the script builds a fresh database, migrates it,
bulk-loads --rows submitted applications (one timeline event each, a few hundred residents),
serves it with gunicorn exactly as `make run` does (bin/serve: collectstatic, then
`gunicorn loket.wsgi --chdir src` with the same flags, on 127.0.0.1) and measures:

* bare view      GET /bench/bare: Django with no work to do, the baseline;
* status lookup  GET /api/v1/applications/<number>/status?nik=<nik> for random existing rows;
* status page    GET /permohonan/<uuid>/ signed in as the resident who owns the row;
* submission     POST /permohonan/<uuid>/ajukan/ of prepared drafts that have all their files.

Each scenario runs for --duration seconds (after a short unrecorded warm-up) with --concurrency
client threads. Reported per scenario: requests, errors, req/s, p50 and p99 latency of the
successful requests, throughput relative to the bare view, and PASS/MISS against the targets:
status lookup >= 0.5x bare throughput with p99 < 60 ms; submission p99 < 350 ms.
The figures are printed and written to bench/results/status_lookup-<db>.json.

Run:
    .venv/bin/python bench/status_lookup.py [--rows N] [--db sqlite|postgres|both] [--duration S]

PostgreSQL is a throwaway cluster made like bin/with-postgres does (initdb/pg_ctl in a temp dir,
as the `postgres` user when run as root); it is skipped if no initdb is found. Everything the
script starts (gunicorn, PostgreSQL) is stopped and its temp dirs are removed when it ends.
"""

import argparse
import hashlib
import http.client
import io
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from http.cookies import SimpleCookie
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
RESULTS_DIR = REPO / "bench" / "results"
HOST = "127.0.0.1"

LOOKUP_MIN_RATIO = 0.5
LOOKUP_MAX_P99_MS = 60.0
SUBMIT_MAX_P99_MS = 350.0

RESIDENTS = 300
BATCH = 50_000
OFFICE_TZ = timezone(timedelta(hours=8))  # Asia/Makassar, no DST
FIRST_SUBMISSION = datetime(2024, 12, 2, 1, 0, tzinfo=UTC)
SUBMISSION_SPAN = timedelta(days=720)
REGISTRATION_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # as applications.services

APP_COLUMNS = (
    "id public_id registration_number resident_id service_id variant_id status channel data nik "
    "village_id submitted_at promise_date status_changed_at created_at updated_at"
).split()
EVENT_COLUMNS = "id application_id status at actor_id note data".split()
USER_COLUMNS = (
    "id password last_login is_superuser username first_name last_name email is_staff "
    "is_active date_joined phone preferred_language"
).split()
BENCH_USERNAME = "bench-resident-0000"

# Run by `manage.py shell -c`: a signed-in session for the benchmark resident (as if the SMS
# sign-in had happened) and complete drafts to submit. Prints one JSON line.
PREPARE_SNIPPET = """
import json, os
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from applications.models import Application, Attachment
from catalogue.models import Service
from catalogue.selectors import requirements_for

user = get_user_model().objects.get(username=os.environ["BENCH_USERNAME"])
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()

service = Service.objects.prefetch_related("requirements").get(code="KK")
variant = service.variants.get(code="BARU")
village = os.environ["BENCH_VILLAGE"]
data = {"nik": "6471014101900001", "no_kk": "6471010101100001", "name": "Penduduk Bench",
        "village": village, "address": "Jl. Benchmark No. 1, RT 001/RW 001"}
drafts = Application.objects.bulk_create(
    Application(resident=user, service=service, variant=variant, data=data, nik=data["nik"],
                village_id=village)
    for _ in range(int(os.environ["BENCH_DRAFTS"]))
)
ids = dict(Application.objects.filter(public_id__in=[d.public_id for d in drafts])
           .values_list("public_id", "pk"))
Attachment.objects.bulk_create(
    Attachment(application_id=ids[d.public_id], requirement=r, file=os.environ["BENCH_FILE"],
               content_type="image/jpeg", size=int(os.environ["BENCH_FILE_SIZE"]),
               sha256=os.environ["BENCH_FILE_SHA256"], original_name="kk.jpg")
    for d in drafts for r in requirements_for(service, variant)
)
print(json.dumps({"session": session.session_key, "drafts": [str(d.public_id) for d in drafts]}))
"""


# --- Data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueService:
    id: int
    code: str
    time_limit: int
    variant_id: int | None


def registration_suffix(i: int) -> str:
    """Six characters of the real alphabet, unique per row (32**6 > 10**9 rows)."""
    chars = []
    for _ in range(6):
        i, digit = divmod(i, len(REGISTRATION_ALPHABET))
        chars.append(REGISTRATION_ALPHABET[digit])
    return "".join(reversed(chars))


def nik_of(i: int) -> str:
    return f"6471{(i * 7_919_393 + 12_345) % 10**12:012d}"


class Dataset:
    """Row i of the load is a pure function of i, so lookups can recompute any row's keys."""

    def __init__(self, rows: int, services: list[CatalogueService], villages: list[str]):
        self.rows = rows
        self.services = services
        self.villages = villages
        self.user_ids = list(range(1, RESIDENTS + 1))
        self.bench_user_id = self.user_ids[0]
        self.owned_public_ids: list[str] = []  # the benchmark resident's loaded applications

    def submitted_at(self, i: int) -> datetime:
        return FIRST_SUBMISSION + SUBMISSION_SPAN * (i / self.rows)

    def key(self, i: int) -> tuple[str, str]:
        """(registration number, NIK) of row i."""
        service = self.services[i % len(self.services)]
        day = self.submitted_at(i).astimezone(OFFICE_TZ)
        return f"{service.code}-{day:%y%m%d}-{registration_suffix(i)}", nik_of(i)

    def user_rows(self) -> list[tuple]:
        now = datetime.now(UTC)
        return [
            (
                uid,
                "!bench",
                None,
                False,
                f"bench-resident-{n:04d}",
                "Penduduk",
                f"Bench {n}",
                "",
                False,
                True,
                now,
                f"+62812{n:08d}",
                "id",
            )  # fmt: skip
            for n, uid in enumerate(self.user_ids)
        ]

    def batch(self, start: int, stop: int) -> tuple[list[tuple], list[tuple]]:
        """Application and event rows for rows start..stop-1 (ids are i + 1)."""
        applications, events = [], []
        for i in range(start, stop):
            service = self.services[i % len(self.services)]
            at = self.submitted_at(i)
            number, nik = self.key(i)
            village = self.villages[i % len(self.villages)]
            data = json.dumps(
                {
                    "nik": nik,
                    "no_kk": f"6471{i % 10**12:012d}",
                    "name": f"Penduduk {i}",
                    "village": village,
                    "address": f"Jl. Contoh No. {i % 200 + 1}, RT {i % 20 + 1:03d}/RW 001",
                }
            )
            promise = at.astimezone(OFFICE_TZ).date() + timedelta(
                days=(service.time_limit * 7 + 4) // 5
            )
            public_id = uuid.uuid4()
            resident = self.user_ids[i % len(self.user_ids)]
            if resident == self.bench_user_id and len(self.owned_public_ids) < 20_000:
                self.owned_public_ids.append(str(public_id))
            created = at - timedelta(minutes=20)
            applications.append(
                (i + 1, public_id, number, resident, service.id, service.variant_id,
                 "submitted", "web", data, nik, village, at, promise, at, created, at)
            )  # fmt: skip
            events.append((i + 1, i + 1, "submitted", at, None, "", "{}"))
        return applications, events


# --- Databases --------------------------------------------------------------------------------

CATALOGUE_SQL = (
    "SELECT s.id, s.code, s.time_limit_workdays, (SELECT v.id FROM catalogue_variant v "
    'WHERE v.service_id = s.id ORDER BY v."order", v.code LIMIT 1) '
    "FROM catalogue_service s ORDER BY s.id"
)
VILLAGES_SQL = "SELECT code FROM population_village ORDER BY code LIMIT 200"


def sqlite_datetime(value: datetime) -> str:
    # As Django's SQLite backend stores aware datetimes: naive UTC text.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


sqlite3.register_adapter(datetime, sqlite_datetime)
sqlite3.register_adapter(date, date.isoformat)
sqlite3.register_adapter(uuid.UUID, lambda value: value.hex)  # Django: char(32) hex


def insert_sql(table: str, columns: list[str], placeholder: str) -> str:
    marks = ", ".join([placeholder] * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608


def report_progress(done: int, total: int, started: float) -> None:
    elapsed = time.perf_counter() - started
    print(f"  loaded {done:,}/{total:,} applications ({done / elapsed:,.0f}/s)", flush=True)


class SqliteDatabase:
    kind, label = "sqlite", "SQLite"

    def __init__(self, tmp: Path):
        self.path = tmp / "loket.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def available(self) -> bool:
        return True

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def version(self) -> str:
        return sqlite3.sqlite_version

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.path) as con:
            return con.execute(sql).fetchall()

    def load(self, dataset: Dataset) -> None:
        con = sqlite3.connect(self.path, isolation_level=None)
        try:
            con.execute("PRAGMA synchronous=OFF")
            con.execute("PRAGMA cache_size=-1048576")  # 1 GiB while loading
            con.execute("BEGIN")
            con.executemany(insert_sql("accounts_user", USER_COLUMNS, "?"), dataset.user_rows())
            con.execute("COMMIT")
            started = time.perf_counter()
            for start in range(0, dataset.rows, BATCH):
                applications, events = dataset.batch(start, min(start + BATCH, dataset.rows))
                con.execute("BEGIN")
                con.executemany(
                    insert_sql("applications_application", APP_COLUMNS, "?"), applications
                )
                con.executemany(insert_sql("applications_event", EVENT_COLUMNS, "?"), events)
                con.execute("COMMIT")
                done = start + len(applications)
                if done % (4 * BATCH) == 0 or done == dataset.rows:
                    report_progress(done, dataset.rows, started)
        finally:
            con.close()


def find_pg_bin() -> Path | None:
    candidates = [Path("/usr/lib/postgresql/15/bin")]
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).parent)
    return next((d for d in candidates if (d / "initdb").is_file()), None)


class PostgresDatabase:
    kind, label = "postgres", "PostgreSQL"

    def __init__(self, tmp: Path):
        self.dir = tmp / "pg"
        self.bin = find_pg_bin()
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.started = False
        self.url = ""

    def available(self) -> bool:
        return self.bin is not None

    def start(self) -> None:
        self.dir.mkdir(mode=0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        port = free_port()
        data = self.dir / "data"
        subprocess.run(
            [*self.as_pg, self.bin / "initdb", "-D", data, "-U", "loket", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        options = (
            f"-p {port} -k {self.dir} -c listen_addresses={HOST} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            [*self.as_pg, self.bin / "pg_ctl", "-D", data, "-l", self.dir / "server.log", "-w",
             "-o", options, "start"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.started = True
        self.url = f"postgres://loket@{HOST}:{port}/postgres"

    def stop(self) -> None:
        if not self.started:
            return
        pid_file = self.dir / "data" / "postmaster.pid"
        pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else None
        stopped = subprocess.run(
            [*self.as_pg, self.bin / "pg_ctl", "-D", self.dir / "data", "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if stopped.returncode != 0 and pid:
            os.kill(pid, signal.SIGQUIT)  # immediate shutdown of the postmaster we started
        self.started = False

    def version(self) -> str:
        return self.query("SHOW server_version")[0][0]

    def query(self, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url) as conn:
            return conn.execute(sql).fetchall()

    def load(self, dataset: Dataset) -> None:
        import psycopg

        with psycopg.connect(self.url) as conn:
            with conn.cursor() as cur:
                copy_rows(cur, "accounts_user", USER_COLUMNS, dataset.user_rows())
                started = time.perf_counter()
                for start in range(0, dataset.rows, BATCH):
                    applications, events = dataset.batch(start, min(start + BATCH, dataset.rows))
                    copy_rows(cur, "applications_application", APP_COLUMNS, applications)
                    copy_rows(cur, "applications_event", EVENT_COLUMNS, events)
                    done = start + len(applications)
                    if done % (4 * BATCH) == 0 or done == dataset.rows:
                        conn.commit()
                        report_progress(done, dataset.rows, started)
                for table in ("accounts_user", "applications_application", "applications_event"):
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
            conn.commit()
            conn.autocommit = True
            print("  VACUUM ANALYZE (what autovacuum does soon after a load)", flush=True)
            conn.execute("VACUUM ANALYZE")


def copy_rows(cur, table: str, columns: list[str], rows: list[tuple]) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# --- Processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def app_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DATABASE_URL=database_url,
        LOKET_VAR_DIR=str(var_dir),
        API_STATUS_LOOKUPS_PER_MINUTE="100000000",
        LOKET_BENCH_BARE_VIEW="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [VENV_BIN / "python", "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Server:
    """gunicorn as bin/serve runs it (the task worker is not started: it serves no requests)."""

    def __init__(
        self, env: dict[str, str], workers: int, log_dir: Path, *, share_session: bool = False
    ):
        # share_session: stay in this script's session (own process group), so gunicorn and
        # task workers started the same way share one scheduler autogroup as under bin/serve;
        # in a session of its own, Linux would give it a CPU share equal to each worker's.
        self.share_session = share_session
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.error_log = log_dir / "gunicorn.err.log"
        self.access_log = log_dir / "gunicorn.access.log"
        self.control_socket = str(log_dir / "gunicorn.ctl")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        manage(self.env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(self.env, "db_optimize")  # as bin/serve does: planner statistics
        command = [
            VENV_BIN / "gunicorn", "loket.wsgi", "--chdir", "src",
            "--bind", f"{HOST}:{self.port}", "--workers", str(self.workers),
            "--access-logfile", "-",
            "--forwarded-allow-ips", self.env.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            # Not in bin/serve: keeps gunicorn 27's control socket (default ~/.gunicorn/) away
            # from any other gunicorn on this machine. It plays no part in serving requests.
            "--control-socket", self.control_socket,
        ]  # fmt: skip
        with open(self.access_log, "wb") as out, open(self.error_log, "wb") as err:
            session = {"process_group": 0} if self.share_session else {"start_new_session": True}
            self.proc = subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=out, stderr=err, **session
            )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
            try:
                status, _, _ = fetch(self.port, "GET", "/health")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"gunicorn did not answer /health in {timeout:.0f} s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 40) -> str:
        text = self.error_log.read_text(errors="replace") if self.error_log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # gunicorn's master stops its workers on SIGTERM
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the process group gunicorn leads
            self.proc.wait()


def fetch(port: int, method: str, path: str, headers=None, body=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.msg, response.read()
    finally:
        conn.close()


# --- Load generator ---------------------------------------------------------------------------

# method, path, headers, body
Request = tuple[str, str, dict[str, str], bytes | None]


@dataclass
class Outcome:
    name: str
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)  # successful requests only
    errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + len(self.errors)

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float | None:
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        rank = max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))
        return ordered[int(rank)]


def describe(request: Request, status: int, location: str | None, body: bytes) -> str:
    detail = f" -> {location}" if location else ""
    return f"{request[0]} {request[1]}: HTTP {status}{detail} {body[:200]!r}"


def check_status(expected: int):
    def check(request: Request, status: int, location: str | None, body: bytes) -> str | None:
        return None if status == expected else describe(request, status, location, body)

    return check


def drive(port, name, sources, check, duration, concurrency) -> Outcome:
    """Send requests from `sources(worker)` until `duration` passes or the sources run dry."""
    outcome = Outcome(name)
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker(index: int) -> None:
        next_request = sources(index)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        latencies, errors = [], []
        try:
            while time.perf_counter() < deadline:
                request = next_request()
                if request is None:
                    break
                started = time.perf_counter()
                try:
                    conn.request(request[0], request[1], body=request[3], headers=request[2])
                    response = conn.getresponse()
                    body = response.read()
                    if response.will_close:  # gunicorn's sync workers close every connection
                        conn.close()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    errors.append(f"{request[0]} {request[1]}: {exc!r}")
                    continue
                elapsed_ms = (time.perf_counter() - started) * 1000
                problem = check(request, response.status, response.getheader("Location"), body)
                if problem:
                    errors.append(problem)
                else:
                    latencies.append(elapsed_ms)
        finally:
            conn.close()
            with lock:
                outcome.latencies_ms.extend(latencies)
                outcome.errors.extend(errors)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.perf_counter() - started
    return outcome


def random_requests(make_path, choices, headers=None):
    def sources(worker: int):
        rng = random.Random(1000 + worker)
        return lambda: ("GET", make_path(rng.choice(choices)), headers or {}, None)

    return sources


def queued_requests(items: deque, make_request):
    def sources(worker: int):
        def next_request():
            try:
                return make_request(items.popleft())
            except IndexError:
                return None

        return next_request

    return sources


# --- Scenarios --------------------------------------------------------------------------------


@dataclass
class Prepared:
    session: str
    drafts: list[str]


def sample_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def prepare(env: dict[str, str], dataset: Dataset, drafts: int) -> Prepared:
    """The benchmark resident's session, and complete drafts whose files are one real JPEG."""
    name = "bench/sample.jpg"
    jpeg = sample_jpeg()
    path = Path(env["LOKET_VAR_DIR"]) / "uploads" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(jpeg)
    snippet_env = {
        **env,
        "BENCH_USERNAME": BENCH_USERNAME,
        "BENCH_DRAFTS": str(drafts),
        "BENCH_VILLAGE": dataset.villages[0],
        "BENCH_FILE": name,
        "BENCH_FILE_SIZE": str(len(jpeg)),
        "BENCH_FILE_SHA256": hashlib.sha256(jpeg).hexdigest(),
    }
    out = manage(snippet_env, "shell", "--verbosity", "0", "-c", PREPARE_SNIPPET)
    answer = json.loads(out.strip().splitlines()[-1])
    return Prepared(session=answer["session"], drafts=answer["drafts"])


def csrf_token(port: int, cookie: str, page: str) -> str:
    status, headers, _ = fetch(port, "GET", page, headers={"Cookie": cookie})
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    if status != 200 or "csrftoken" not in jar:
        raise RuntimeError(f"GET {page} as the resident gave HTTP {status} and no csrftoken cookie")
    return jar["csrftoken"].value


def run_scenarios(port: int, dataset: Dataset, prepared: Prepared, args):
    warmup = min(2.0, args.duration / 5)
    rng = random.Random(42)
    keys = [dataset.key(rng.randrange(dataset.rows)) for _ in range(50_000)]
    session_cookie = f"sessionid={prepared.session}"
    scenarios = {
        "bare view": random_requests(lambda _: "/bench/bare", [None]),
        "status lookup API": random_requests(
            lambda key: f"/api/v1/applications/{key[0]}/status?nik={key[1]}", keys
        ),
        "status page": random_requests(
            lambda public_id: f"/permohonan/{public_id}/",
            dataset.owned_public_ids,
            {"Cookie": session_cookie},
        ),
    }
    outcomes = {}
    for name, sources in scenarios.items():
        print(f"  {name}: {warmup:g} s warm-up, {args.duration:g} s measured", flush=True)
        drive(port, name, sources, check_status(200), warmup, args.concurrency)
        outcomes[name] = drive(
            port, name, sources, check_status(200), args.duration, args.concurrency
        )
    outcomes["submission"], posted_ok = run_submissions(port, prepared, session_cookie, args)
    return outcomes, posted_ok


def run_submissions(port: int, prepared: Prepared, session_cookie: str, args):
    """The measured submissions' outcome, and how many POSTs (warm-up included) got a 302."""
    token = csrf_token(port, session_cookie, f"/permohonan/{prepared.drafts[0]}/")
    headers = {
        "Cookie": f"{session_cookie}; csrftoken={token}",
        "X-CSRFToken": token,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = f"csrfmiddlewaretoken={token}".encode()

    def submit(public_id: str) -> Request:
        return ("POST", f"/permohonan/{public_id}/ajukan/", headers, body)

    def check(request: Request, status: int, location: str | None, content: bytes):
        expected = request[1].removesuffix("ajukan/")
        if status == 302 and location == expected:
            return None
        return describe(request, status, location, content)

    warmup = deque(prepared.drafts[: args.warmup_drafts])
    measured = deque(prepared.drafts[args.warmup_drafts :])
    print(
        f"  submission: {len(warmup)} warm-up, {len(measured)} measured POSTs "
        f"(at most {args.duration:g} s)",
        flush=True,
    )
    concurrency = args.submit_concurrency or args.concurrency
    warm = drive(port, "submission", queued_requests(warmup, submit), check, 60, concurrency)
    outcome = drive(
        port, "submission", queued_requests(measured, submit), check, args.duration, concurrency
    )
    return outcome, len(warm.latencies_ms) + len(outcome.latencies_ms)


def verify_submissions(db, dataset: Dataset, outcome: Outcome, posted_ok: int) -> None:
    """A 302 also follows a refused submission: check the drafts really were submitted."""
    rows = db.query(
        "SELECT status, count(*) FROM applications_application "  # noqa: S608
        f"WHERE resident_id = {dataset.bench_user_id} AND id > {dataset.rows} GROUP BY status"
    )
    by_status = dict(rows)
    print(f"  prepared drafts by status after the run: {by_status}", flush=True)
    submitted = by_status.get("submitted", 0)
    if submitted < posted_ok:
        outcome.errors.append(
            f"{posted_ok - submitted} of {posted_ok} POSTs answered 302 but left the draft "
            "unsubmitted (the submission was refused)"
        )


# --- Report -----------------------------------------------------------------------------------


def scenario_figures(outcome: Outcome, bare: Outcome | None) -> dict:
    ratio = None
    if bare is not None and bare.rps and outcome.latencies_ms:
        ratio = outcome.rps / bare.rps
    return {
        "requests": outcome.requests,
        "errors": len(outcome.errors),
        "seconds": round(outcome.seconds, 3),
        "rps": round(outcome.rps, 1),
        "p50_ms": rounded(outcome.percentile(50)),
        "p99_ms": rounded(outcome.percentile(99)),
        "ratio_vs_bare": rounded(ratio, 3),
        "error_samples": sorted(set(outcome.errors))[:5],
    }


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def target(name: str, value: float | None, limit: float, at_least: bool) -> dict:
    if value is None:
        verdict = "n/a"
    else:
        verdict = "PASS" if (value >= limit if at_least else value < limit) else "MISS"
    return {"target": name, "value": value, "limit": limit, "result": verdict}


def evaluate(figures: dict) -> dict[str, list[dict]]:
    lookup, submission = figures["status lookup API"], figures["submission"]
    return {
        "status lookup API": [
            target(">=0.5x bare", lookup["ratio_vs_bare"], LOOKUP_MIN_RATIO, True),
            target("p99<60ms", lookup["p99_ms"], LOOKUP_MAX_P99_MS, False),
        ],
        "submission": [target("p99<350ms", submission["p99_ms"], SUBMIT_MAX_P99_MS, False)],
    }


def show(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_report(report: dict) -> None:
    load = report["load"]
    print()
    print(
        f"== {report['database']} {report['database_version']}: {report['rows']:,} applications "
        f"(+{report['rows']:,} events, {RESIDENTS} residents) loaded in "
        f"{load['seconds']:.1f} s ({load['rows_per_second']:,.0f} applications/s)"
    )
    print(
        f"   gunicorn {report['workers']} sync workers, {report['concurrency']} client threads "
        f"({report['submit_concurrency']} for submission), {report['duration']:g} s per scenario"
    )
    header = (
        f"{'scenario':<18} {'rows':>10} {'requests':>9} {'errors':>7} {'req/s':>8} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8}  targets"
    )
    print(header)
    print("-" * (len(header) + 28))
    for name, fig in report["scenarios"].items():
        targets = ", ".join(f"{t['target']} {t['result']}" for t in report["targets"].get(name, []))
        print(
            f"{name:<18} {report['rows']:>10,} {fig['requests']:>9,} {fig['errors']:>7,} "
            f"{fig['rps']:>8.1f} {show(fig['p50_ms'], '8.1f'):>8} "
            f"{show(fig['p99_ms'], '8.1f'):>8} {show(fig['ratio_vs_bare'], '8.2f'):>8}  {targets}"
        )
    for name, fig in report["scenarios"].items():
        for sample in fig["error_samples"]:
            print(f"   ERROR {name}: {sample}")
    if any(fig["errors"] for fig in report["scenarios"].values()):
        print(f"   server log: {report['server_log']}")
    print(flush=True)


def write_report(report: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"status_lookup-{report['db']}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


# --- Main -------------------------------------------------------------------------------------


def bench_database(kind: str, args) -> dict | None:
    tmp = Path(tempfile.mkdtemp(prefix=f"loket-bench-{kind}-"))
    tmp.chmod(0o755)  # PostgreSQL runs as `postgres` when we are root and must reach its dir
    db = SqliteDatabase(tmp) if kind == "sqlite" else PostgresDatabase(tmp)
    server = None
    try:
        if not db.available():
            print("SKIPPED: PostgreSQL run — no initdb found (install postgresql-15 to run it)")
            return None
        print(f"\n### {db.label}: fresh database in {tmp}", flush=True)
        db.start()
        env = app_env(db.url, tmp / "var")
        manage(env, "migrate", "--noinput")
        services = [CatalogueService(*row) for row in db.query(CATALOGUE_SQL)]
        villages = [row[0] for row in db.query(VILLAGES_SQL)]
        dataset = Dataset(args.rows, services, villages)
        print(f"  loading {args.rows:,} applications + events ...", flush=True)
        started = time.perf_counter()
        db.load(dataset)
        load_seconds = time.perf_counter() - started
        print(f"  load: {load_seconds:.1f} s ({args.rows / load_seconds:,.0f} applications/s)")
        prepared = prepare(env, dataset, args.drafts + args.warmup_drafts)
        server = Server(env, args.workers, tmp)
        server.start()
        print(f"  gunicorn on http://{HOST}:{server.port}/ ({args.workers} workers)", flush=True)
        outcomes, posted_ok = run_scenarios(server.port, dataset, prepared, args)
        verify_submissions(db, dataset, outcomes["submission"], posted_ok)
        bare = outcomes["bare view"]
        if not bare.latencies_ms:
            print(
                "ERROR: GET /bench/bare did not answer 200 — the bare view route is missing "
                "(src/loket/urls.py, enabled by LOKET_BENCH_BARE_VIEW=1): "
                f"{bare.errors[:1]}"
            )
        server_log = RESULTS_DIR / f"status_lookup-{kind}.server.log"
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(server.error_log, server_log)
        figures = {name: scenario_figures(o, bare) for name, o in outcomes.items()}
        return {
            "db": kind,
            "database": db.label,
            "database_version": db.version(),
            "rows": args.rows,
            "residents": RESIDENTS,
            "load": {
                "seconds": round(load_seconds, 1),
                "rows_per_second": round(args.rows / load_seconds),
            },
            "workers": args.workers,
            "concurrency": args.concurrency,
            "submit_concurrency": args.submit_concurrency or args.concurrency,
            "duration": args.duration,
            "scenarios": figures,
            "targets": evaluate(figures),
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
    parser.add_argument("--rows", type=int, default=1_200_000, help="applications to load")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument(
        "--submit-concurrency", type=int, default=0, help="client threads for submission "
        "(default: --concurrency)"
    )  # fmt: skip
    parser.add_argument("--drafts", type=int, default=300, help="measured submissions")
    parser.add_argument("--warmup-drafts", type=int, default=24, help="unmeasured submissions")
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "3")),
        help="gunicorn workers (WEB_WORKERS, default 3 as bin/serve)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.rows < RESIDENTS:
        parser.error(f"--rows must be at least {RESIDENTS}")
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

"""Processes for the deployment tests: a throwaway PostgreSQL, moto's S3 server, manage.py.

Everything here runs as separate processes on loopback ports, as docs/deploy.md sets Loket up,
and is stopped by its own pid when the test ends.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {timeout} s")


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM the process we started (its group, when it leads one), SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def base_env(**extra: str) -> dict[str, str]:
    """The operator's environment: no test settings module, no debug, as in production."""
    env = {
        k: v
        for k, v in os.environ.items()
        # Other tests set DJANGO_* (e.g. DJANGO_ALLOW_ASYNC_UNSAFE) in this process.
        if k != "DATABASE_URL" and not k.startswith(("DJANGO_", "PYTEST_", "AWS_"))
    }
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [VENV_BIN / "python", "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def find_pg_bin() -> Path | None:
    candidates = [Path("/usr/lib/postgresql/15/bin"), *Path("/usr/lib/postgresql").glob("*/bin")]
    for directory in candidates:
        if (directory / "initdb").is_file():
            return directory
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PostgresServer:
    """A throwaway cluster as bin/with-postgres makes it; new_database() gives empty databases."""

    def __init__(self, tmp: Path):
        self.bin = find_pg_bin()
        self.dir = tmp / "pg"
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.port = free_port()
        self.started = False

    def start(self) -> None:
        self.dir.mkdir(mode=0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        data = self.dir / "data"
        subprocess.run(
            [*self.as_pg, self.bin / "initdb", "-D", data, "-U", "loket", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            [*self.as_pg, self.bin / "pg_ctl", "-D", data, "-l", self.dir / "server.log", "-w",
             "-o", options, "start"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.started = True

    def url(self, database: str = "postgres") -> str:
        return f"postgres://loket@{HOST}:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"loket_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if not self.started:
            return
        pid_file = self.dir / "data" / "postmaster.pid"
        pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else None
        done = subprocess.run(
            [*self.as_pg, self.bin / "pg_ctl", "-D", self.dir / "data", "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if done.returncode != 0 and pid:
            os.kill(pid, signal.SIGQUIT)  # the postmaster we started: immediate shutdown
        self.started = False


class ExistingPostgres:
    """The server bin/with-postgres started for the suite (DATABASE_URL): new databases on it."""

    def __init__(self, url: str):
        from urllib.parse import urlsplit

        self.parts = urlsplit(url)

    def url(self, database: str = "postgres") -> str:
        return self.parts._replace(path=f"/{database}").geturl()

    new_database = PostgresServer.new_database


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server to make empty databases on: the suite's own when it runs on
    PostgreSQL (bin/with-postgres), else a throwaway cluster; skipped without initdb (the
    PostgreSQL pass of `make test` installs it and runs these tests)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        yield ExistingPostgres(url)
        return
    if find_pg_bin() is None:
        pytest.skip("no initdb found: these run in the PostgreSQL pass (bin/with-postgres)")
    # Not pytest's tmp_path: its 0700 parents keep the `postgres` user out.
    tmp = Path(tempfile.mkdtemp(prefix="loket-deploy-pg-"))
    tmp.chmod(0o755)
    server = PostgresServer(tmp)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def moto_s3():
    """moto's S3 server on a free loopback port → its endpoint URL; stopped by pid."""
    port = free_port()
    proc = subprocess.Popen(
        [VENV_BIN / "moto_server", "-H", HOST, "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
    )
    try:
        wait_for_port(port, proc)
        yield f"http://{HOST}:{port}"
    finally:
        stop(proc)


def create_bucket(endpoint: str, bucket: str) -> None:
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket=bucket)


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    """The operator's object-storage variables (docs/deploy.md) for moto's server."""
    return {
        "FILE_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }

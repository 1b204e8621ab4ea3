"""docs/deploy.md followed end to end: PostgreSQL, the env file, migrations, gunicorn with two
workers, a separate task worker, uploads on object storage; then one resident's application
goes through over HTTP (SMS sign-in, apply, upload, submit, the status API, the SMS receipt).

Outside systems are the fakes, started as processes on loopback ports, and S3 is moto's server:
the production code paths run, in LOKET_ENV=production with every required variable set.
"""

import json
import re
import time
from http.cookies import SimpleCookie
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from tests.deploy.conftest import (
    HOST,
    REPO,
    VENV_BIN,
    base_env,
    create_bucket,
    free_port,
    manage,
    s3_env,
    stop,
    wait_for_port,
)

ENV_TEMPLATE = REPO / "deploy" / "loket.env.example"
PHONE = "+6281234500077"
NIK = "6471054107900001"  # kec. 647105, female, born 1 July 1990


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile= reads them (comments and blanks skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Z0-9_]+)=(.*)$", line.strip())
        if match:
            values[match[1]] = match[2].strip().strip('"')
    return values


def write_env_file(path: Path, values: dict[str, str]) -> None:
    path.write_text("".join(f'{key}="{value}"\n' for key, value in values.items()))
    path.chmod(0o640)


class Browser:
    """A resident's browser behind nginx: cookies by hand (they are Secure), https headers."""

    def __init__(self, port: int):
        self.base = f"http://{HOST}:{port}"
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}

    def headers(self) -> dict[str, str]:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = self.headers()
        if method == "POST":
            token = self.cookies.get("csrftoken", "")
            headers.update({"X-CSRFToken": token, "Origin": self.origin})
            if "files" not in kwargs:
                kwargs.setdefault("data", {})
            if "data" in kwargs:
                kwargs["data"] = {"csrfmiddlewaretoken": token, **kwargs["data"]}
        response = httpx.request(method, self.base + path, headers=headers, timeout=30, **kwargs)
        for value in response.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> httpx.Response:
        return self.request("POST", path, **kwargs)


def sms_to(gateway_port: int, phone: str) -> list[str]:
    answer = httpx.get(f"http://{HOST}:{gateway_port}/api/v1/messages", timeout=10).json()
    return [m["text"] for m in answer["messages"] if m["to"] == phone]


def wait_for_sms(gateway_port: int, phone: str, pattern: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for text in sms_to(gateway_port, phone):
            if re.search(pattern, text):
                return text
        time.sleep(0.2)
    raise AssertionError(f"no SMS matching {pattern!r}; got {sms_to(gateway_port, phone)!r}")


def jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), (180, 140, 90)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def processes():
    """Popen objects started by the test, stopped by pid (newest first) whatever happens."""
    started = []
    yield started
    for proc in reversed(started):
        stop(proc)
    for proc in started:
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def spawn(processes, command, env, log: Path, **kwargs):
    import subprocess

    out = open(log, "wb")  # noqa: SIM115 — closed with the process, in the fixture
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    processes.append(proc)
    proc.log = log
    out.close()  # the child holds its own descriptor
    return proc


def start_fake(processes, tmp: Path, name: str, *args: str) -> int:
    port = free_port()
    proc = spawn(
        processes,
        [VENV_BIN / "python", f"fakes/{name}.py", "--host", HOST, "--port", str(port), *args],
        base_env(),
        tmp / f"{name}.log",
    )
    wait_for_port(port, proc)
    return port


def test_the_deploy_document_runs_one_application_through(
    tmp_path, postgres_server, moto_s3, processes
):
    # Step 1: PostgreSQL — an empty database for Loket.
    database_url = postgres_server.new_database()
    # The outside systems (fakes) and the bucket.
    sms_port = start_fake(processes, tmp_path, "sms_gateway", "--api-key", "sms-key")
    siak_port = start_fake(processes, tmp_path, "siak", "--api-key", "siak-key")
    wa_port = start_fake(processes, tmp_path, "whatsapp_cloud", "--access-token", "wa-token")
    courier_port = start_fake(processes, tmp_path, "courier", "--api-key", "courier-key")
    create_bucket(moto_s3, "loket-6471")
    web_port = free_port()

    # Step 3: the env file, from the template, every <placeholder> replaced.
    values = read_env_file(ENV_TEMPLATE)
    var_dir = tmp_path / "var"
    values.update(
        SECRET_KEY="deploy-test-" + "x" * 50,
        PUBLIC_BASE_URL=f"https://{HOST}:{web_port}",
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}:{web_port}",
        DATABASE_URL=database_url,
        LOKET_VAR_DIR=str(var_dir),
        FILE_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        WEB_WORKERS="2",
        SMS_BASE_URL=f"http://{HOST}:{sms_port}",
        SMS_API_KEY="sms-key",
        SMS_INBOUND_SECRET="sms-inbound",
        SIAK_BASE_URL=f"http://{HOST}:{siak_port}",
        SIAK_API_KEY="siak-key",
        WHATSAPP_API_BASE_URL=f"http://{HOST}:{wa_port}",
        WHATSAPP_ACCESS_TOKEN="wa-token",
        WHATSAPP_APP_SECRET="wa-secret",
        WHATSAPP_VERIFY_TOKEN="wa-verify",
        WHATSAPP_PHONE_NUMBER_ID="100000000000001",
        COURIER_BASE_URL=f"http://{HOST}:{courier_port}",
        COURIER_API_KEY="courier-key",
        COURIER_WEBHOOK_SECRET="courier-secret",
        SIGNING_PKCS12_PATH=str(var_dir / "signing" / "signer.p12"),
        SIGNING_PKCS12_PASSWORD="signing-password",
        SIGNING_CA_CERT_PATH=str(var_dir / "signing" / "ca.pem"),
        BACKUP_ROOT=str(tmp_path / "backups"),
        **s3_env(moto_s3, "loket-6471"),
    )
    left = [key for key, value in values.items() if "<" in value]
    assert not left, f"placeholders left in the env file: {left}"
    env_file = tmp_path / "loket.env"
    write_env_file(env_file, values)
    env = base_env(**read_env_file(env_file))

    # Step 4: install is done (.venv); the signing certificate (a demo one here); checks,
    # migrations, static files, the resume commands; as deploy/loket-migrate.service does.
    manage({**env, "LOKET_ENV": "development"}, "signing_demo_certs")
    manage(env, "check", "--deploy", "--fail-level", "ERROR")
    manage(env, "migrate", "--noinput", timeout=180)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "resume_outbox")

    # Step 5: gunicorn with two workers (deploy/loket-web.service) and, as a separate process
    # (deploy/loket-worker@.service), a task worker for every queue.
    web = spawn(
        processes,
        [VENV_BIN / "gunicorn", "loket.wsgi", "--chdir", "src",
         "--bind", f"{HOST}:{web_port}", "--workers", env["WEB_WORKERS"],
         "--forwarded-allow-ips", env["FORWARDED_ALLOW_IPS"],
         "--control-socket", str(tmp_path / "gunicorn.ctl"),
         "--access-logfile", "-", "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s'],
        env, tmp_path / "gunicorn.log",
    )  # fmt: skip
    worker = spawn(
        processes,
        [VENV_BIN / "python", "manage.py", "db_worker", "--queue-name", "*"],
        env,
        tmp_path / "worker.log",
    )
    wait_for_port(web_port, web, timeout=60)
    browser = Browser(web_port)

    # Step 6: health checks.
    assert browser.get("/health").json() == {"status": "ok"}
    deep = browser.get("/health?deep=1").json()
    assert deep["status"] == "ok" and deep["checks"]["storage"] == "ok", deep

    # A resident signs in with the code the worker sent through the SMS gateway.
    assert browser.get("/masuk/").status_code == 200
    asked = browser.post("/masuk/", data={"phone": PHONE})
    assert asked.status_code == 302, asked.text[:500]
    code = re.search(r"\b(\d{6})\b", wait_for_sms(sms_port, PHONE, r"\b\d{6}\b"))[1]
    browser.get("/masuk/kode/")
    signed_in = browser.post("/masuk/kode/", data={"code": code})
    assert signed_in.status_code == 302, signed_in.text[:500]

    # Applies for a first KTP-el, uploads the KK scan, submits.
    browser.get("/permohonan/baru/KTP/")
    started = browser.post(
        "/permohonan/baru/KTP/",
        data={
            "variant": "PEMULA",
            "nik": NIK,
            "no_kk": "6471050101100003",
            "name": "Siti Aminah",
            "sex": "P",
            "birth_date": "1990-07-01",
            "village": "6471051002",
            "address": "Jl. Sudirman No. 1 RT 02",
        },
    )
    assert started.status_code == 302, started.text[:2000]
    detail_path = started.headers["location"]
    public_id = re.search(r"/permohonan/([0-9a-f-]{36})/", detail_path)[1]
    page = browser.get(f"/permohonan/{public_id}/").text
    upload_paths = sorted(set(re.findall(rf"/permohonan/{public_id}/berkas/\d+/", page)))
    assert upload_paths, page[:2000]
    for path in upload_paths:
        sent = browser.post(path, files={"file": ("kk.jpg", jpeg(), "image/jpeg")})
        assert sent.status_code in (200, 302), sent.text[:500]
    submitted = browser.post(f"/permohonan/{public_id}/ajukan/")
    assert submitted.status_code == 302, submitted.text[:500]

    # The receipt SMS (sent by the worker) carries the registration number…
    receipt = wait_for_sms(sms_port, PHONE, r"diterima, nomor ")
    number = re.search(r"nomor (\S+?)\.", receipt)[1]
    # …which the public status API knows, with the resident's NIK.
    status = browser.get(f"/api/v1/applications/{number}/status", params={"nik": NIK})
    assert status.status_code == 200, status.text
    assert status.json()["status"] == "submitted"
    assert [e["status"] for e in status.json()["timeline"]] == ["submitted"]
    openapi = browser.get("/api/v1/openapi.json").json()
    assert "/applications/{registration_number}/status" in openapi["paths"]

    # The scan went to the bucket, encrypted; and the worker is still running.
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=moto_s3,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    objects = s3.list_objects_v2(Bucket="loket-6471").get("Contents", [])
    assert len(objects) == len(upload_paths)
    body = s3.get_object(Bucket="loket-6471", Key=objects[0]["Key"])["Body"].read()
    assert body.startswith(b"gAAAAA") and b"JFIF" not in body
    assert worker.poll() is None and web.poll() is None

    # Step 8: the nightly backup runs against this deployment.
    import subprocess

    done = subprocess.run(
        [REPO / "deploy" / "backup.sh"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    backup = Path(done.stdout.split()[2])
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["vendor"] == "postgresql" and manifest["files"]["count"] == len(objects)

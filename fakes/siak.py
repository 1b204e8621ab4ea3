"""A local stand-in for the central SIAK (Dukcapil pusat) request API, for tests and `make demo`.

Wire format (JSON over HTTP, bearer key):

    POST /api/v1/requests
    Authorization: Bearer <SIAK_API_KEY>
    Idempotency-Key: <uuid>
    {"registration_number": "KTP-260330-ABCDEF", "service": "KTP", "variant": "PEMULA",
     "nik": "6471054107900001", "data": {...}}
    -> 202 {"request_id": "REQ-000001", "status": "pending"}
       (the same Idempotency-Key again answers the same request: never a duplicate)
    -> 400 {"error": {"code": "bad_request" | "idempotency_key_required", "message": "..."}}
    -> 401 {"error": {"code": "unauthorized", "message": "..."}}

    GET /api/v1/requests/{request_id}
    -> 200 {"request_id": "...", "status": "pending" | "approved" | "rejected", "reason": "..."}
    -> 404 {"error": {"code": "not_found", "message": "..."}}

Switches on the state (or `POST /_control` with a JSON object of the same names, for a fake
running in its own process): `mode` = "normal" | "maintenance" (every call 503) | "slow" (the
request is recorded, then the answer comes only after `slow_seconds`, longer than the client
waits) | "garbage" (200 with a body that is not JSON); `decision_delay` seconds before a request
is decided; `reject_niks` (NIKs rejected with `reject_reason`).

`GET /` is an HTML page of the requests received; `GET /api/v1/requests` lists them as JSON.
"""

import argparse
import html
import json
import re
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("normal", "maintenance", "slow", "garbage")
REQUEST_PATH = re.compile(r"^/api/v1/requests/([A-Za-z0-9-]{1,64})$")
REQUIRED_FIELDS = ("registration_number", "service", "nik")


class SiakState:
    def __init__(self, api_key: str, *, decision_delay: float = 0.0, slow_seconds: float = 3.0):
        self.api_key = api_key
        self.mode = "normal"
        self.decision_delay = decision_delay
        self.slow_seconds = slow_seconds
        self.reject_niks: set[str] = set()
        self.reject_reason = "Data tidak sesuai dengan database kependudukan pusat"
        self.requests: dict[str, dict] = {}  # request_id -> request
        self.by_key: dict[str, str] = {}  # Idempotency-Key -> request_id
        self.created_per_registration: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()  # "POST", "GET", "POST replay", "503", ...
        self.lock = threading.Lock()

    def create(self, key: str, payload: dict) -> tuple[dict, bool]:
        """The request for `key`, and whether it is new (a replayed key creates nothing)."""
        with self.lock:
            if key in self.by_key:
                return self.requests[self.by_key[key]], False
            request_id = f"REQ-{len(self.requests) + 1:06d}"
            request = {
                "request_id": request_id,
                "idempotency_key": key,
                "registration_number": str(payload["registration_number"]),
                "service": str(payload["service"]),
                "variant": payload.get("variant") or "",
                "nik": str(payload["nik"]),
                "data": payload.get("data") or {},
                "status": "pending",
                "reason": "",
                "received_at": datetime.now(UTC).isoformat(),
                "_received": time.monotonic(),
            }
            self.requests[request_id] = request
            self.by_key[key] = request_id
            self.created_per_registration[request["registration_number"]] += 1
            return request, True

    def decide(self, request_id: str) -> dict | None:
        """The request, decided once `decision_delay` has passed (a decision never changes)."""
        with self.lock:
            request = self.requests.get(request_id)
            if request is None:
                return None
            ready = time.monotonic() - request["_received"] >= self.decision_delay
            if request["status"] == "pending" and ready:
                if request["nik"] in self.reject_niks:
                    request["status"], request["reason"] = "rejected", self.reject_reason
                else:
                    request["status"] = "approved"
            return dict(request)

    def public(self, request: dict) -> dict:
        return {k: request[k] for k in ("request_id", "status", "reason")}

    def control(self, changes: dict) -> None:
        with self.lock:
            if changes.get("mode") in MODES:
                self.mode = changes["mode"]
            if "decision_delay" in changes:
                self.decision_delay = float(changes["decision_delay"])
            if "slow_seconds" in changes:
                self.slow_seconds = float(changes["slow_seconds"])
            if "reject_niks" in changes:
                self.reject_niks = {str(n) for n in changes["reject_niks"]}


def make_handler(state: SiakState):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # keep test output quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (slow mode)
                pass

        def _json(self, status: int, payload) -> None:
            self._send(status, json.dumps(payload).encode(), "application/json")

        def _error(self, status: int, code: str, message: str) -> None:
            self._json(status, {"error": {"code": code, "message": message}})

        def _switches(self) -> bool:
            """Answer per the mode; True when the call was answered here."""
            state.calls[self.command] += 1
            if self.headers.get("Authorization") != f"Bearer {state.api_key}":
                self._error(401, "unauthorized", "Invalid API key")
                return True
            if state.mode == "maintenance":
                state.calls["503"] += 1
                self._error(503, "maintenance", "SIAK sedang dalam pemeliharaan")
                return True
            if state.mode == "garbage":
                self._send(200, b"<html><body>Gateway error</body></html>", "application/json")
                return True
            return False

        def _slow(self) -> None:
            if state.mode == "slow":
                time.sleep(state.slow_seconds)

        def do_GET(self):
            if self.path == "/api/v1/requests":
                with state.lock:
                    listed = [
                        {k: v for k, v in r.items() if not k.startswith("_")}
                        for r in state.requests.values()
                    ]
                return self._json(200, {"requests": listed})
            match = REQUEST_PATH.match(self.path)
            if match:
                if self._switches():
                    return None
                self._slow()
                request = state.decide(match.group(1))
                if request is None:
                    return self._error(404, "not_found", "Unknown request")
                return self._json(200, state.public(request))
            if self.path == "/":
                return self._page()
            return self._error(404, "not_found", "No route")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path == "/_control":
                try:
                    state.control(json.loads(raw or b"{}"))
                except (ValueError, TypeError):
                    return self._error(400, "bad_request", "Bad JSON")
                return self._json(200, {"mode": state.mode})
            if self.path != "/api/v1/requests":
                return self._error(404, "not_found", "No route")
            if self._switches():
                return None
            key = (self.headers.get("Idempotency-Key") or "").strip()
            if not key:
                return self._error(400, "idempotency_key_required", "Idempotency-Key missing")
            try:
                payload = json.loads(raw)
                if not isinstance(payload, dict) or not all(
                    payload.get(f) for f in REQUIRED_FIELDS
                ):
                    raise ValueError
            except ValueError:
                return self._error(400, "bad_request", "Bad JSON or missing fields")
            request, created = state.create(key, payload)
            if not created:
                state.calls["POST replay"] += 1
            self._slow()  # recorded first, answered too late: the case idempotency is for
            return self._json(202, state.public(request))

        def _page(self):
            with state.lock:
                rows = "".join(
                    f"<tr><td>{html.escape(r['received_at'][:19])}</td>"
                    f"<td>{html.escape(r['request_id'])}</td>"
                    f"<td>{html.escape(r['registration_number'])}</td>"
                    f"<td>{html.escape(r['status'])}</td><td>{html.escape(r['reason'])}</td></tr>"
                    for r in reversed(list(state.requests.values()))
                )
                mode = state.mode
            page = (
                "<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=3>"
                f"<title>Fake SIAK</title><h1>Fake SIAK — mode: {html.escape(mode)}</h1>"
                "<table border=1 cellpadding=6><tr><th>UTC</th><th>ID</th><th>No. registrasi</th>"
                f"<th>Status</th><th>Alasan</th></tr>{rows}</table>"
            ).encode()
            self._send(200, page, "text/html; charset=utf-8")

    return Handler


def serve(
    host: str, port: int, api_key: str, *, decision_delay: float = 0.0, slow_seconds: float = 3.0
) -> tuple[ThreadingHTTPServer, SiakState]:
    state = SiakState(api_key, decision_delay=decision_delay, slow_seconds=slow_seconds)
    server = ThreadingHTTPServer((host, port), make_handler(state))
    return server, state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8030)
    parser.add_argument("--api-key", default="demo-siak-key")
    parser.add_argument("--decision-delay", type=float, default=20.0, help="seconds")
    parser.add_argument("--mode", choices=MODES, default="normal")
    parser.add_argument("--reject-nik", action="append", default=[], help="NIK to reject")
    args = parser.parse_args()
    server, state = serve(args.host, args.port, args.api_key, decision_delay=args.decision_delay)
    state.mode = args.mode
    state.reject_niks = set(args.reject_nik)
    print(f"Fake SIAK on http://{args.host}:{args.port}/ (mode {args.mode})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

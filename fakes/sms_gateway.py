"""A local stand-in for the office's SMS gateway, for tests and `make demo`.

Wire format (a plain JSON-over-HTTP gateway, the shape most Indonesian SMS aggregators offer):

    POST /api/v1/messages
    Authorization: Bearer <SMS_API_KEY>
    {"to": "+62812...", "from": "LOKET", "text": "..."}
    -> 202 {"id": "msg-1", "status": "queued"}
    -> 401 {"error": {"code": "unauthorized", "message": "..."}}
    -> 422 {"error": {"code": "invalid_recipient", "message": "..."}}

`GET /` is an HTML page listing every message received (newest first) so a person trying the
demo can read their sign-in code; `GET /api/v1/messages` lists them as JSON for tests.

Inbound SMS (a resident texting the office number) reach Loket through the gateway's callback:
`state.resident_sends(phone, text)` POSTs {"id", "from", "text", "received_at"} to the callback
URL, signed `X-Signature: sha256=<HMAC-SHA256 of the body with the inbound secret>`.
"""

import argparse
import hashlib
import hmac
import html
import json
import re
import threading
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PHONE_RE = re.compile(r"^\+62\d{8,13}$")


class SmsGatewayState:
    def __init__(self, api_key: str, callback_url: str = "", inbound_secret: str = ""):
        self.api_key = api_key
        self.messages: list[dict] = []
        self.lock = threading.Lock()
        self.fail_next: list[int] = []  # status codes to answer with, for failure tests
        self.callback_url = callback_url
        self.inbound_secret = inbound_secret
        self.inbound_count = 0

    def resident_sends(self, phone: str, text: str, message_id: str = "") -> int:
        """Deliver an inbound SMS to Loket's callback as the gateway would; the HTTP status."""
        with self.lock:
            self.inbound_count += 1
            message_id = message_id or f"in-{self.inbound_count}"
        body = json.dumps(
            {
                "id": message_id,
                "from": phone,
                "text": text,
                "received_at": datetime.now(UTC).isoformat(),
            }
        ).encode()
        digest = hmac.new(self.inbound_secret.encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(
            self.callback_url,
            data=body,
            headers={"Content-Type": "application/json", "X-Signature": f"sha256={digest}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def add(self, to: str, sender: str, text: str) -> dict:
        with self.lock:
            message = {
                "id": f"msg-{len(self.messages) + 1}",
                "to": to,
                "from": sender,
                "text": text,
                "received_at": datetime.now(UTC).isoformat(),
            }
            self.messages.append(message)
            return message


def make_handler(state: SmsGatewayState):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # keep test output quiet
            pass

        def _json(self, status: int, payload) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path.startswith("/api/v1/messages"):
                with state.lock:
                    return self._json(200, {"messages": list(state.messages)})
            rows = "".join(
                f"<tr><td>{html.escape(m['received_at'][:19])}</td><td>{html.escape(m['to'])}</td>"
                f"<td>{html.escape(m['text'])}</td></tr>"
                for m in reversed(state.messages)
            )
            page = (
                "<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=5>"
                "<title>Fake SMS gateway</title><h1>Fake SMS gateway — pesan terkirim</h1>"
                "<form method=post action=/compose>Kirim SMS sebagai warga: "
                "<input name=phone placeholder=+6281200000001 required> "
                "<input name=text placeholder='STATUS KK-…' size=40 required> "
                "<button>Kirim</button></form>"
                "<table border=1 cellpadding=6><tr><th>UTC</th><th>Ke</th><th>Isi</th></tr>"
                f"{rows}</table>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def do_POST(self):
            if self.path == "/compose":  # the demo page: a person texts Loket as a resident
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                state.resident_sends(form.get("phone", [""])[0], form.get("text", [""])[0])
                self.send_response(303)
                self.send_header("Location", "/")
                self.end_headers()
                return None
            if self.path != "/api/v1/messages":
                return self._json(404, {"error": {"code": "not_found", "message": "No route"}})
            if self.headers.get("Authorization") != f"Bearer {state.api_key}":
                return self._json(
                    401, {"error": {"code": "unauthorized", "message": "Invalid API key"}}
                )
            if state.fail_next:
                status = state.fail_next.pop(0)
                return self._json(status, {"error": {"code": "unavailable", "message": "Busy"}})
            length = int(self.headers.get("Content-Length") or 0)
            try:
                payload = json.loads(self.rfile.read(length))
                to, text = payload["to"], payload["text"]
            except (ValueError, KeyError, TypeError):
                return self._json(400, {"error": {"code": "bad_request", "message": "Bad JSON"}})
            if not PHONE_RE.match(str(to)):
                return self._json(
                    422, {"error": {"code": "invalid_recipient", "message": "Bad number"}}
                )
            message = state.add(to, payload.get("from", ""), text)
            return self._json(202, {"id": message["id"], "status": "queued"})

    return Handler


def serve(
    host: str, port: int, api_key: str, callback_url: str = "", inbound_secret: str = ""
) -> tuple[ThreadingHTTPServer, SmsGatewayState]:
    state = SmsGatewayState(api_key, callback_url, inbound_secret)
    server = ThreadingHTTPServer((host, port), make_handler(state))
    return server, state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--api-key", default="demo-sms-key")
    parser.add_argument("--callback-url", default="", help="Loket's inbound SMS callback")
    parser.add_argument("--inbound-secret", default="demo-sms-inbound")
    args = parser.parse_args()
    server, _ = serve(args.host, args.port, args.api_key, args.callback_url, args.inbound_secret)
    print(f"Fake SMS gateway on http://{args.host}:{args.port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

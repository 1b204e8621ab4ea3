"""A local stand-in for a courier company's booking API, for tests and `make demo`.

The wire format follows Gojek's GoSend partner API (v10, "kilat"): the same paths, headers and
field names, trimmed to what the office uses.

    Headers on every call: Client-ID: <partner name>, Pass-Key: <COURIER_API_KEY>

    GET /gokilat/v10/calculate/price?origin=<lat>,<lng>&destination=<lat>,<lng>&paymentType=<p>
        (destination may be left out when the resident set no map pin: the fake then prices by
        its flat in-town tariff; `destinationAddress` is accepted for the record)
    -> 200 {"Instant": {"shipment_method": "Instant", "serviceable": true, "active": true,
            "distance": 5.2, "price": {"total_price": 15000}}}
    -> 422 {"errors": [{"message": "...", "message_title": "Not serviceable", ...}]}

    POST /gokilat/v10/booking
        {"paymentType": "cash" | "cashless", "shipment_method": "Instant",
         "routes": [{"originName", "originContactName", "originContactPhone", "originLatLong",
                     "originAddress", "destinationName", "destinationContactName",
                     "destinationContactPhone", "destinationLatLong", "destinationAddress",
                     "destinationNote", "item", "storeOrderId"}]}
    -> 201 {"id": 101, "orderNo": "GK-11-000101", "bookingType": "instant",
            "storeOrderId": "...", "price": 15000}
       (GoSend refuses a second booking with the same storeOrderId; this fake answers the first
       booking again, so a client that timed out after the booking was made never books twice)

    GET /gokilat/v10/booking/orderno/{orderNo}
    -> 200 {"id", "orderNo", "status": "Finding Driver" | "Driver Allocated" | "Enroute Drop"
            | "Completed" | "Cancelled" | "Driver not found" | "Rejected", "driverName",
            "driverPhone", "liveTrackingUrl", "totalPrice", "storeOrderId", "cancelDescription"}

    PUT /gokilat/v10/booking/cancel  {"orderNo": "GK-..."}
    -> 200 {"statusCode": 200, "message": "Booking cancelled"}
    -> 409 {"errors": [...]} once the driver has picked the item up

    Errors: 401 {"errors": [{"message": "Unauthorized", ...}]}, 404 for an unknown orderNo.

Status webhooks (POST to the partner's callback URL, one per change), GoSend's body:
    {"entity_id": "GK-11-000101", "type": "CONFIRMED" | "OUT_FOR_PICKUP" | "OUT_FOR_DELIVERY"
     | "COMPLETED" | "CANCELLED" | "NO_DRIVER" | "REJECTED", "status": "...", "booking_id": 101,
     "booking_type": "instant", "driver_name", "driver_phone", "live_tracking_url",
     "store_order_id", "price", "cancellation_reason", "receiver_name", "event_time"}
Two deviations, both agreed with the courier in this integration: the body is signed in the
header `X-Callback-Signature: sha256=<hex HMAC-SHA256 of the raw body with the webhook secret>`
(GoSend uses a static Authorization token), and a COMPLETED event carries `handover_code`, the
one-time code the resident gave the driver (the driver types it in the courier app as the
proof of delivery), plus `event_id` so receivers can spot duplicates.

Moving a booking along, as the driver would (tests call `state.advance()`; people use `GET /`,
an HTML list of bookings with buttons, or `POST /_bookings/<orderNo>/advance` with
`{"event": "driver_found" | "picked_up" | "delivered" | "failed" | "no_driver",
"handover_code": "...", "reason": "..."}`): each step posts the signed webhook.

Switches (`POST /_control` with JSON, or attributes of the state): `mode` = "normal" | "down"
(every API call 503) | "timeout" (answers after `slow_seconds`, longer than the client waits)
| "reject" (estimate and booking 422 "not serviceable").
"""

import argparse
import hashlib
import hmac
import html
import json
import math
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("normal", "down", "timeout", "reject")
ORDER_PATH = re.compile(r"^/gokilat/v10/booking/orderno/([A-Za-z0-9-]{1,40})$")
ADVANCE_PATH = re.compile(r"^/_bookings/([A-Za-z0-9-]{1,40})/advance$")
MAX_KM = 40.0  # GoSend Instant's range

# event -> (webhook type, booking status)
EVENTS = {
    "driver_found": ("OUT_FOR_PICKUP", "Driver Allocated"),
    "picked_up": ("OUT_FOR_DELIVERY", "Enroute Drop"),
    "delivered": ("COMPLETED", "Completed"),
    "failed": ("REJECTED", "Rejected"),
    "no_driver": ("NO_DRIVER", "Driver not found"),
    "cancelled": ("CANCELLED", "Cancelled"),
}
DRIVERS = [("Agus Salim", "+6281350001111"), ("Rudi Hartono", "+6281350002222")]


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def distance_km(origin: str, destination: str) -> float:
    (lat1, lng1), (lat2, lng2) = (map(float, p.split(",")) for p in (origin, destination))
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(6371 * 2 * math.asin(math.sqrt(a)), 1)


def price_for(km: float | None) -> int:
    if km is None:
        return 15000  # flat in-town tariff when the destination has no coordinates
    return max(10000, int(math.ceil(km * 2500 / 500) * 500))


class CourierState:
    def __init__(self, api_key: str, webhook_secret: str, callback_url: str = ""):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.callback_url = callback_url
        self.mode = "normal"
        self.slow_seconds = 3.0
        self.bookings: dict[str, dict] = {}  # orderNo -> booking
        self.by_store_order: dict[str, str] = {}
        self.callbacks: list[dict] = []  # what was posted, with the answer
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()
        # Tests replace this to send through Django's test client instead of HTTP.
        self.sender = self._post

    def control(self, changes: dict) -> None:
        with self.lock:
            if changes.get("mode") in MODES:
                self.mode = changes["mode"]
            if "slow_seconds" in changes:
                self.slow_seconds = float(changes["slow_seconds"])
            if "callback_url" in changes:
                self.callback_url = str(changes["callback_url"])

    def book(self, payload: dict) -> tuple[dict, bool]:
        route = payload["routes"][0]
        with self.lock:
            existing = self.by_store_order.get(route["storeOrderId"])
            if existing:
                return self.bookings[existing], False
            number = len(self.bookings) + 101
            origin, destination = route.get("originLatLong"), route.get("destinationLatLong")
            km = distance_km(origin, destination) if origin and destination else None
            booking = {
                "id": number,
                "orderNo": f"GK-11-{number:06d}",
                "storeOrderId": route["storeOrderId"],
                "status": "Finding Driver",
                "paymentType": payload.get("paymentType", "cash"),
                "destinationAddress": route.get("destinationAddress", ""),
                "destinationContactName": route.get("destinationContactName", ""),
                "item": route.get("item", ""),
                "driverName": "",
                "driverPhone": "",
                "liveTrackingUrl": "",
                "totalPrice": price_for(km),
                "distance": km,
                "cancelDescription": "",
                "created": datetime.now(UTC).isoformat(),
            }
            self.bookings[booking["orderNo"]] = booking
            self.by_store_order[booking["storeOrderId"]] = booking["orderNo"]
            return booking, True

    def webhook_body(self, booking: dict, event: str, **extra) -> dict:
        kind, status = EVENTS[event]
        body = {
            "entity_id": booking["orderNo"],
            "type": kind,
            "status": status,
            "booking_id": booking["id"],
            "booking_type": "instant",
            "driver_name": booking["driverName"],
            "driver_phone": booking["driverPhone"],
            "live_tracking_url": booking["liveTrackingUrl"],
            "store_order_id": booking["storeOrderId"],
            "price": booking["totalPrice"],
            "cancellation_reason": booking["cancelDescription"],
            "receiver_name": "",
            "event_id": str(uuid.uuid4()),
            "event_time": datetime.now(UTC).isoformat(),
        }
        body.update(extra)
        return body

    def advance(
        self, order_no: str, event: str, *, handover_code: str = "", reason: str = ""
    ) -> dict:
        """Move a booking as the driver would and post the signed webhook; the posted body and
        the receiver's answer are returned (and kept in `callbacks`)."""
        with self.lock:
            booking = self.bookings[order_no]
            if event == "driver_found" and not booking["driverName"]:
                name, phone = DRIVERS[booking["id"] % len(DRIVERS)]
                booking["driverName"], booking["driverPhone"] = name, phone
                booking["liveTrackingUrl"] = f"https://gojek.example/track/{order_no}"
            if event in ("failed", "no_driver", "cancelled"):
                booking["cancelDescription"] = (
                    reason
                    or {
                        "failed": "Penerima tidak di tempat",
                        "no_driver": "Driver not found",
                        "cancelled": "Cancelled by customer",
                    }[event]
                )
            booking["status"] = EVENTS[event][1]
            extra = {"handover_code": handover_code} if event == "delivered" else {}
            body = self.webhook_body(booking, event, **extra)
        return self.send(body)

    def send(self, body: dict) -> dict:
        raw = json.dumps(body).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Callback-Signature": signature(self.webhook_secret, raw),
        }
        status, answer = self.sender(raw, headers)
        record = {"body": body, "status": status, "answer": answer}
        with self.lock:
            self.callbacks.append(record)
        return record

    def _post(self, raw: bytes, headers: dict) -> tuple[int, str]:
        if not self.callback_url:
            return 0, "no callback URL"
        request = urllib.request.Request(self.callback_url, data=raw, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.read().decode(errors="replace")[:500]
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")[:500]
        except OSError as exc:
            return 0, str(exc)


def _error(title: str, message: str) -> dict:
    return {"errors": [{"message": message, "message_title": title, "message_severity": "error"}]}


def make_handler(state: CourierState):
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
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                pass

        def _json(self, status: int, payload) -> None:
            self._send(status, json.dumps(payload).encode(), "application/json")

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _switches(self, *, serviceability: bool = False) -> bool:
            """Answer per the mode; True when the call was answered here."""
            state.calls[f"{self.command} {self.path.split('?')[0]}"] += 1
            if self.headers.get("Pass-Key") != state.api_key or not self.headers.get("Client-ID"):
                self._json(401, _error("Unauthorized", "Invalid Client-ID or Pass-Key"))
                return True
            if state.mode == "down":
                self._json(503, _error("Service Unavailable", "Please try again later"))
                return True
            if state.mode == "timeout":
                time.sleep(state.slow_seconds)
            if state.mode == "reject" and serviceability:
                self._json(422, _error("Not serviceable", "Destination is not serviceable"))
                return True
            return False

        def do_GET(self):
            parsed = urllib.parse.urlparse(self.path)
            if parsed.path == "/gokilat/v10/calculate/price":
                return self._estimate(urllib.parse.parse_qs(parsed.query))
            match = ORDER_PATH.match(parsed.path)
            if match:
                if self._switches():
                    return None
                with state.lock:
                    booking = state.bookings.get(match.group(1))
                    booking = dict(booking) if booking else None
                if booking is None:
                    return self._json(404, _error("Not found", "Booking not found"))
                return self._json(200, booking)
            if parsed.path == "/_bookings":
                with state.lock:
                    return self._json(200, {"bookings": list(state.bookings.values())})
            if parsed.path == "/":
                return self._page()
            return self._json(404, _error("Not found", "No route"))

        def _estimate(self, query):
            if self._switches(serviceability=True):
                return None
            origin = (query.get("origin") or [""])[0]
            destination = (query.get("destination") or [""])[0]
            try:
                km = distance_km(origin, destination) if destination else None
            except ValueError:
                return self._json(400, _error("Bad request", "origin/destination: lat,lng"))
            serviceable = km is None or km <= MAX_KM
            if not serviceable:
                return self._json(422, _error("Not serviceable", "Distance is too far"))
            return self._json(
                200,
                {
                    "Instant": {
                        "shipment_method": "Instant",
                        "serviceable": True,
                        "active": True,
                        "distance": km,
                        "price": {"total_price": price_for(km)},
                    }
                },
            )

        def do_POST(self):
            raw = self._body()
            if self.path == "/_control":
                try:
                    state.control(json.loads(raw or b"{}"))
                except (ValueError, TypeError):
                    return self._json(400, _error("Bad request", "Bad JSON"))
                return self._json(200, {"mode": state.mode})
            match = ADVANCE_PATH.match(self.path)
            if match:
                return self._advance(match.group(1), raw)
            if self.path != "/gokilat/v10/booking":
                return self._json(404, _error("Not found", "No route"))
            if self._switches(serviceability=True):
                return None
            try:
                payload = json.loads(raw)
                route = payload["routes"][0]
                if not (route.get("storeOrderId") and route.get("destinationAddress")):
                    raise ValueError
            except (ValueError, KeyError, IndexError, TypeError):
                return self._json(400, _error("Bad request", "routes[0] is incomplete"))
            booking, _created = state.book(payload)
            answer = {k: booking[k] for k in ("id", "orderNo", "storeOrderId")}
            return self._json(
                201, {**answer, "bookingType": "instant", "price": booking["totalPrice"]}
            )

        def do_PUT(self):
            raw = self._body()
            if self.path != "/gokilat/v10/booking/cancel":
                return self._json(404, _error("Not found", "No route"))
            if self._switches():
                return None
            try:
                order_no = json.loads(raw)["orderNo"]
            except (ValueError, KeyError, TypeError):
                return self._json(400, _error("Bad request", "orderNo missing"))
            with state.lock:
                booking = state.bookings.get(order_no)
                if booking is None:
                    return self._json(404, _error("Not found", "Booking not found"))
                if booking["status"] in ("Enroute Drop", "Completed"):
                    return self._json(409, _error("Conflict", "Item already picked up"))
                booking["status"] = "Cancelled"
                booking["cancelDescription"] = "Cancelled by partner"
            return self._json(200, {"statusCode": 200, "message": "Booking cancelled"})

        def _advance(self, order_no: str, raw: bytes):
            form = self.headers.get("Content-Type", "").startswith("application/x-www-form")
            try:
                if form:
                    fields = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
                else:
                    fields = json.loads(raw or b"{}")
                event = fields["event"]
                if event not in EVENTS or order_no not in state.bookings:
                    raise KeyError(event)
            except (ValueError, KeyError, TypeError):
                return self._json(404, _error("Not found", "Unknown booking or event"))
            record = state.advance(
                order_no,
                event,
                handover_code=str(fields.get("handover_code", "")).strip(),
                reason=str(fields.get("reason", "")).strip(),
            )
            if form:  # the demo page: back to the list
                self.send_response(303)
                self.send_header("Location", "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._json(200, record)

        def _page(self):
            with state.lock:
                bookings = list(reversed(list(state.bookings.values())))
                callbacks = list(reversed(state.callbacks[-10:]))
                mode = state.mode
            esc = html.escape
            rows = []
            for b in bookings:
                order = esc(b["orderNo"])
                buttons = "".join(
                    f'<button name="event" value="{e}">{e}</button>'
                    for e in ("driver_found", "picked_up", "failed", "no_driver")
                )
                rows.append(
                    f"<tr><td>{order}</td><td>{esc(b['status'])}</td>"
                    f"<td>{esc(b['destinationContactName'])}<br><small>"
                    f"{esc(b['destinationAddress'])}</small></td><td>{b['totalPrice']}</td>"
                    f"<td>{esc(b['paymentType'])}</td><td>{esc(b['driverName'])}</td><td>"
                    f'<form method="post" action="/_bookings/{order}/advance">{buttons}</form>'
                    f'<form method="post" action="/_bookings/{order}/advance">'
                    '<input name="handover_code" placeholder="kode serah terima" size="10">'
                    '<button name="event" value="delivered">delivered</button></form></td></tr>'
                )
            sent = "".join(
                f"<li>{esc(c['body']['entity_id'])} {esc(c['body']['type'])} → {c['status']}</li>"
                for c in callbacks
            )
            page = (
                "<!doctype html><meta charset=utf-8><title>Fake courier (GoSend API)</title>"
                "<style>body{font-family:sans-serif}td,th{padding:4px 8px;border:1px solid #ccc}"
                "table{border-collapse:collapse}</style>"
                f"<h1>Fake courier — mode: {esc(mode)}</h1>"
                "<p><a href=/>refresh</a></p><table><tr><th>orderNo</th><th>Status</th>"
                "<th>Tujuan</th><th>Ongkos</th><th>Bayar</th><th>Driver</th><th>Langkah</th></tr>"
                f"{''.join(rows)}</table><h2>Webhooks terakhir</h2><ul>{sent}</ul>"
            ).encode()
            self._send(200, page, "text/html; charset=utf-8")

    return Handler


def serve(
    host: str, port: int, api_key: str, webhook_secret: str, callback_url: str = ""
) -> tuple[ThreadingHTTPServer, CourierState]:
    state = CourierState(api_key, webhook_secret, callback_url)
    server = ThreadingHTTPServer((host, port), make_handler(state))
    return server, state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--api-key", default="demo-courier-key")
    parser.add_argument("--webhook-secret", default="demo-courier-webhook")
    parser.add_argument("--callback-url", default="http://127.0.0.1:8000/handover/courier/callback")
    parser.add_argument("--mode", choices=MODES, default="normal")
    args = parser.parse_args()
    server, state = serve(
        args.host, args.port, args.api_key, args.webhook_secret, args.callback_url
    )
    state.mode = args.mode
    print(f"Fake courier on http://{args.host}:{args.port}/ (mode {args.mode})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

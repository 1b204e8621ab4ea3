"""Client for the courier's booking API (GoSend partner API shape; fakes/courier.py plays it).

Every failure is a CourierError that says whether trying again later can help: the courier
being down, slow or answering garbage is retryable; the courier refusing the request itself
(4xx: not serviceable, bad address, cancel too late) is not. Error texts carry status codes
and the courier's error titles only, never the resident's address or phone.
"""

from dataclasses import dataclass

import httpx
from django.conf import settings

from loket.outbound_http import pooled_client

FAILED_STATUSES = {"Cancelled", "Driver not found", "Rejected"}


class CourierError(Exception):
    def __init__(self, message: str, *, retryable: bool, status: int = 0):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class Estimate:
    price: int  # rupiah
    distance_km: float | None


@dataclass(frozen=True)
class Booking:
    booking_id: str
    order_no: str
    price: int | None


@dataclass(frozen=True)
class BookingStatus:
    order_no: str
    status: str
    driver_name: str
    driver_phone: str
    tracking_url: str


@dataclass(frozen=True)
class Place:
    """One end of a trip: who, where (text and optional "lat,lng"), and a note for the driver."""

    name: str
    phone: str
    address: str
    latlng: str = ""
    note: str = ""


def _call(method: str, path: str, **kwargs) -> dict:
    url = f"{settings.COURIER_BASE_URL.rstrip('/')}/gokilat/v10/{path}"
    headers = {
        "Client-ID": f"loket-{settings.OFFICE_REGENCY_CODE}",
        "Pass-Key": settings.COURIER_API_KEY,
        "Accept": "application/json",
    }
    try:
        response = pooled_client().request(
            method, url, headers=headers, timeout=settings.COURIER_TIMEOUT_SECONDS, **kwargs
        )
    except httpx.TimeoutException as exc:
        raise CourierError("Kurir tidak menjawab (timeout)", retryable=True) from exc
    except httpx.HTTPError as exc:
        raise CourierError(
            f"Kurir tidak dapat dihubungi ({exc.__class__.__name__})", retryable=True
        ) from exc
    if response.status_code >= 400:
        retryable = response.status_code in (408, 429) or response.status_code >= 500
        raise CourierError(
            f"Kurir menjawab {response.status_code} ({_error_title(response)})",
            retryable=retryable,
            status=response.status_code,
        )
    try:
        payload = response.json()
    except ValueError as exc:
        raise CourierError(
            f"Kurir menjawab {response.status_code} dengan isi yang bukan JSON", retryable=True
        ) from exc
    if not isinstance(payload, dict):
        raise CourierError("Kurir menjawab JSON yang tidak dikenal", retryable=True)
    return payload


def _error_title(response: httpx.Response) -> str:
    try:
        return str(response.json()["errors"][0]["message_title"])[:64]
    except (ValueError, KeyError, IndexError, TypeError):
        return "tanpa keterangan"


def estimate(*, origin: str, destination: str = "", payment: str = "cash") -> Estimate:
    """The courier's price for a trip from the office to `destination` ("lat,lng" or empty)."""
    params = {"origin": origin, "paymentType": payment}
    if destination:
        params["destination"] = destination
    payload = _call("GET", "calculate/price", params=params)
    try:
        instant = payload["Instant"]
        if not instant.get("serviceable", False):
            raise CourierError("Kurir tidak melayani alamat ini", retryable=False, status=422)
        return Estimate(int(instant["price"]["total_price"]), instant.get("distance"))
    except (KeyError, TypeError, ValueError) as exc:
        raise CourierError("Kurir menjawab JSON tanpa harga", retryable=True) from exc


def book(
    *, store_order_id: str, origin: Place, destination: Place, item: str, payment: str
) -> Booking:
    """Book one trip. The same `store_order_id` again answers the same booking."""
    route = {
        "originName": origin.name,
        "originContactName": origin.name,
        "originContactPhone": origin.phone,
        "originLatLong": origin.latlng,
        "originAddress": origin.address,
        "originNote": origin.note,
        "destinationName": destination.name,
        "destinationContactName": destination.name,
        "destinationContactPhone": destination.phone,
        "destinationLatLong": destination.latlng,
        "destinationAddress": destination.address,
        "destinationNote": destination.note,
        "item": item,
        "storeOrderId": store_order_id,
    }
    body = {"paymentType": payment, "shipment_method": "Instant", "routes": [route]}
    payload = _call("POST", "booking", json=body)
    if not payload.get("orderNo") or payload.get("id") is None:
        raise CourierError("Kurir menjawab JSON tanpa orderNo", retryable=True)
    price = payload.get("price")
    return Booking(str(payload["id"]), str(payload["orderNo"]), int(price) if price else None)


def cancel(order_no: str) -> None:
    _call("PUT", "booking/cancel", json={"orderNo": order_no})


def status(order_no: str) -> BookingStatus:
    payload = _call("GET", f"booking/orderno/{order_no}")
    if not payload.get("status"):
        raise CourierError("Kurir menjawab JSON tanpa status", retryable=True)
    return BookingStatus(
        order_no=str(payload.get("orderNo") or order_no),
        status=str(payload["status"]),
        driver_name=str(payload.get("driverName") or ""),
        driver_phone=str(payload.get("driverPhone") or ""),
        tracking_url=str(payload.get("liveTrackingUrl") or ""),
    )

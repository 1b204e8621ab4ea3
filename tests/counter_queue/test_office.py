"""At the office: walk-in tickets, check-in, calling order, recall, served/no-show, statistics,
and who may open which page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from counter_queue import selectors, services
from counter_queue.models import Booking, Counter, Ticket
from loket.errors import DomainError
from tests.counter_queue.conftest import office_time, queue_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(officer_client):
    return officer_client("front_desk")


@pytest.fixture
def counter_officer(officer_client):
    return officer_client("verifier")


def walk_in(code="KTP", officer=None):
    return services.walk_in_issue(service=queue_service(code), officer=officer)


def counter(number) -> Counter:
    return Counter.objects.get(number=number)


def test_the_desk_issues_numbered_tickets_per_service_letter(desk, clock):
    client, _ = desk
    numbers = []
    for letter in ("A", "A", "C", "A"):
        response = client.post(reverse("counter_queue:walk_in"), {"service": letter})
        assert response.status_code == 302
        slip = client.get(response["Location"])
        numbers.append(Ticket.objects.get(pk=response["Location"].rstrip("/").split("/")[-1]))
        assert numbers[-1].label in slip.content.decode()
        assert f"/antrian/tiket/{numbers[-1].code}/" in slip.content.decode()
    assert [t.label for t in numbers] == ["A-001", "A-002", "C-001", "A-003"]
    bad = client.post(reverse("counter_queue:walk_in"), {"service": "Z"})
    assert bad.status_code == 400


def test_the_desk_checks_a_booked_visit_in(desk, book, clock):
    client, _ = desk
    booking = book(hour=9)
    clock.set(8, 50)
    response = client.post(reverse("counter_queue:check_in"), {"code": booking.display_code})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.CHECKED_IN
    ticket = booking.ticket
    assert ticket.label == "A-001" and ticket.code == booking.code
    assert ticket.due_at == office_time(clock.day, 9)
    again = client.post(reverse("counter_queue:check_in"), {"code": booking.code.lower()})
    assert again.status_code == 400
    assert "sudah lapor; nomor antreannya A-001" in again.content.decode()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown", "tidak ditemukan"),
        ("late", "Terlambat lebih dari 15 menit"),
        ("other_day", "bukan hari ini"),
        ("cancelled", "Pesanan ini “Dibatalkan”"),
    ],
)
def test_check_in_refusals_are_clear(desk, book, clock, case, message):
    client, _ = desk
    booking = book(hour=9)
    code = booking.code
    if case == "unknown":
        code = "ZZZZ-ZZZZ"
    elif case == "late":
        clock.set(9, 16)
    elif case == "other_day":
        clock.set(9, 0, day=clock.day + timedelta(days=1))
    elif case == "cancelled":
        services.booking_cancel(booking=booking)
    response = client.post(reverse("counter_queue:check_in"), {"code": code})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Ticket.objects.exists()


def test_counters_call_booked_visits_at_their_time_then_walk_ins(book, clock, counter_officer):
    _, officer = counter_officer
    clock.set(7, 40)
    early = book(hour=10, serial=1)
    due = book(hour=9, serial=2)
    clock.set(8, 40)
    first_walk_in = walk_in()
    second_walk_in = walk_in()
    for booking in (early, due):
        services.booking_check_in(code=booking.code, officer=officer)
    clock.set(9, 0)
    order = []
    for _ in range(4):
        ticket = services.ticket_call_next(counter=counter(1), officer=officer)
        order.append(ticket.pk)
        services.ticket_finish(ticket=ticket, counter=counter(1), officer=officer, served=True)
    early.refresh_from_db()
    due.refresh_from_db()
    assert order == [due.ticket.pk, first_walk_in.pk, second_walk_in.pk, early.ticket.pk]
    with pytest.raises(DomainError) as empty:
        services.ticket_call_next(counter=counter(1), officer=officer)
    assert empty.value.problems[0].code == "nobody_waiting"


def test_a_called_ticket_cannot_be_called_again(counter_officer, clock):
    client, _ = counter_officer
    ticket = walk_in()
    walk_in()
    clock.set(8, 30)
    response = client.post(reverse("counter_queue:call_next", args=[1]), follow=True)
    assert "Memanggil A-001 ke loket 1" in response.content.decode()
    # from counter 2, calling A-001 by name is refused with where it was called
    response = client.post(reverse("counter_queue:call", args=[2, ticket.pk]), follow=True)
    assert "A-001 sudah dipanggil di loket 1 pukul 08:30" in response.content.decode()
    # counter 1 is busy with A-001: "next" is refused until it is finished
    response = client.post(reverse("counter_queue:call_next", args=[1]), follow=True)
    assert "A-001 masih di loket ini" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.counter.number == 1 and ticket.status == Ticket.CALLED
    assert Ticket.objects.filter(status=Ticket.CALLED).count() == 1


def test_recall_served_and_no_show(counter_officer, clock):
    client, _ = counter_officer
    first, second = walk_in(), walk_in()
    clock.set(8, 30)
    client.post(reverse("counter_queue:call_next", args=[2]))
    version = selectors.board_version(clock.day)
    clock.set(8, 32)
    response = client.post(reverse("counter_queue:recall", args=[2, first.pk]), follow=True)
    assert "Memanggil ulang A-001" in response.content.decode()
    first.refresh_from_db()
    assert first.recalls == 1 and first.called_at == office_time(clock.day, 8, 30)
    assert selectors.board_version(clock.day) > version
    # only the counter that called it may recall or finish it
    other = client.post(reverse("counter_queue:recall", args=[1, first.pk]), follow=True)
    assert "dipanggil di loket 2, bukan di loket ini" in other.content.decode()
    clock.set(8, 35)
    client.post(reverse("counter_queue:no_show", args=[2, first.pk]))
    first.refresh_from_db()
    assert first.status == Ticket.NO_SHOW
    response = client.post(reverse("counter_queue:recall", args=[2, first.pk]), follow=True)
    assert "tidak sedang dipanggil" in response.content.decode()
    client.post(reverse("counter_queue:call_next", args=[2]))
    clock.set(8, 47)
    client.post(reverse("counter_queue:served", args=[2, second.pk]))
    second.refresh_from_db()
    assert second.status == Ticket.SERVED and second.finished_at == office_time(clock.day, 8, 47)


def test_the_days_statistics(officer_client, book, clock, counter_officer):
    _, officer = counter_officer
    head, _ = officer_client("head_of_section")
    missed = book(hour=8, minute=30, serial=1)
    kept = book(hour=9, serial=2)
    clock.set(8, 0)
    a1 = walk_in()
    clock.set(8, 50)
    services.booking_check_in(code=kept.code, officer=officer)
    clock.set(8, 10)
    services.ticket_call_next(counter=counter(1), officer=officer)  # A-001, waited 10 min
    clock.set(8, 25)
    services.ticket_finish(ticket=a1, counter=counter(1), officer=officer, served=True)
    clock.set(9, 0)
    services.ticket_call_next(counter=counter(2), officer=officer)  # booked, waited 10 min
    clock.set(9, 5)
    response = head.get(reverse("counter_queue:statistics"))
    assert response.status_code == 200
    stats = response.context
    ktp = stats["per_service"][0]
    assert (ktp["walk_ins"], ktp["checked_in"], ktp["served"], ktp["bookings"]) == (1, 1, 1, 2)
    assert ktp["booking_no_shows"] == 1  # 08:30 + 15 min passed without a check-in
    assert ktp["wait"] == {"count": 2, "mean": 10.0, "max": 10.0}
    per_counter = {row["counter"].number: row for row in stats["per_counter"]}
    assert per_counter[1]["service_time"] == {"count": 1, "mean": 15.0, "max": 15.0}
    assert per_counter[2]["called"] == 1 and per_counter[2]["served"] == 0
    services.no_shows_release()
    missed.refresh_from_db()
    assert missed.status == Booking.NO_SHOW
    assert (
        head.get(reverse("counter_queue:statistics")).context["per_service"][0]["booking_no_shows"]
        == 1
    )


OFFICER_PAGES = [
    ("counter_queue:desk", (), ("front_desk", "head_of_section"), ("verifier", "operator")),
    ("counter_queue:counters", (), ("verifier", "operator"), ("front_desk", "pickup_desk")),
    ("counter_queue:counter", (1,), ("verifier", "head_of_section"), ("front_desk",)),
    ("counter_queue:statistics", (), ("head_of_section", "front_desk"), ("verifier",)),
]


@pytest.mark.parametrize(("name", "args", "allowed", "refused"), OFFICER_PAGES)
def test_officer_pages_check_roles(
    officer_client, resident_client, clock, name, args, allowed, refused
):
    url = reverse(name, args=args)
    for role in allowed:
        client, _ = officer_client(role)
        assert client.get(url).status_code == 200, role
    for role in refused:
        client, _ = officer_client(role)
        assert client.get(url).status_code == 403, role
    response = resident_client.get(url)
    assert response.status_code == 403 or "/kantor/" in response["Location"]


@pytest.mark.parametrize(
    "name", ["counter_queue:walk_in", "counter_queue:check_in", "counter_queue:call_next"]
)
def test_officer_actions_refuse_residents_and_wrong_roles(
    officer_client, resident_client, clock, name
):
    args = (1,) if name == "counter_queue:call_next" else ()
    url = reverse(name, args=args)
    wrong = "front_desk" if name == "counter_queue:call_next" else "verifier"
    client, _ = officer_client(wrong)
    assert client.post(url, {"service": "A", "code": "X"}).status_code == 403
    assert resident_client.post(url, {"service": "A"}).status_code in (302, 403)
    assert not Ticket.objects.exists()


def test_the_board_json_answers_304_until_something_changes(client, counter_officer, clock):
    _, officer = counter_officer
    walk_in()
    clock.set(8, 30)
    url = reverse("counter_queue:board_data")
    first = client.get(url)
    assert first.status_code == 200
    data = first.json()
    assert data["waiting"] == {"A": 1}
    assert {row["counter"] for row in data["counters"]} == {1, 2, 3, 4}
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.ticket_call_next(counter=counter(2), officer=officer)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    row = next(r for r in changed.json()["counters"] if r["counter"] == 2)
    assert row == {"counter": 2, "ticket": "A-001", "calling": True, "recalls": 0}
    assert changed.json()["recent"] == ["A-001"]
    page = client.get(reverse("counter_queue:board"))
    assert page.status_code == 200 and "A-001" in page.content.decode()


def test_a_resident_sees_how_many_are_ahead(client, counter_officer, clock):
    _, officer = counter_officer
    tickets = [walk_in() for _ in range(3)]
    mine = tickets[2]
    url = reverse("counter_queue:ticket_data", args=[mine.code])
    assert client.get(url).json()["ahead"] == 2
    clock.set(8, 30)
    services.ticket_call_next(counter=counter(1), officer=officer)
    assert client.get(url).json()["ahead"] == 1
    page = client.get(reverse("counter_queue:ticket", args=[mine.code.lower()]))
    assert page.status_code == 200 and "orang di depan Anda" in page.content.decode()
    assert client.get(reverse("counter_queue:ticket", args=["NOPE2345"])).status_code == 404

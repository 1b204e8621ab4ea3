"""Two operators printing the same card at the same moment: one wins, the other is told."""

import threading

import pytest
from django.db import connection

from applications import lifecycle
from loket.errors import DomainError
from production import services
from production.models import PrintBatch
from tests.production.conftest import item

# Runs on both databases: the SQLite test database is a file in WAL mode (settings_test), where
# writers queue on BEGIN IMMEDIATE; PostgreSQL queues them on the row locks.
pytestmark = pytest.mark.django_db(transaction=True)


def test_two_operators_cannot_print_the_same_card_twice(
    reference_data, officer_client, stock, make_application
):
    stock(blanko=10, ribbon=1, film=1)
    card = make_application()
    operators = [officer_client("operator")[1] for _ in range(2)]
    start = threading.Barrier(2)
    outcomes = []

    def print_it(officer):
        try:
            start.wait()
            services.print_batch_create(applications=[card], officer=officer)
            outcomes.append("printed")
        except DomainError as error:
            outcomes.append(error.problems[0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=print_it, args=(o,)) for o in operators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["not_approved", "printed"]
    assert PrintBatch.objects.count() == 1
    assert item("blanko").on_hand == 9
    card.refresh_from_db()
    assert card.status == lifecycle.READY_FOR_HANDOVER

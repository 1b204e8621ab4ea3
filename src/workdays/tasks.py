"""Background work for disruptions: moving promise dates in batches, each its own transaction,
so a disruption touching thousands of applications never holds one long write lock."""

from django_tasks import task

from workdays.disruptions import shift_batch


@task()
def shift_promise_dates(disruption_id: int) -> int:
    moved = total = shift_batch(disruption_id)
    while moved:
        moved = shift_batch(disruption_id)
        total += moved
    return total

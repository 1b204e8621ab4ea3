"""Background work for the queue: reminders the day before, no-shows released after the grace
period. Both are also done by `manage.py queue_sweep`, so a backend without deferred runs (the
tests' ImmediateBackend) or a worker that was down loses nothing."""

from django_tasks import task

from counter_queue import services


def enqueue_at(task_, when, *args) -> bool:
    """Enqueue `task_` to run at `when`; False when the backend cannot defer (the sweep then
    does the work when it is due — running it now would be too early)."""
    if not task_.get_backend().supports_defer:
        return False
    task_.using(run_after=when).enqueue(*args)
    return True


@task()
def send_reminder(booking_id: int) -> bool:
    return services.booking_remind(booking_id=booking_id)


@task()
def release_no_shows() -> int:
    return services.no_shows_release()

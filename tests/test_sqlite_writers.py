"""loket.sqlite: writers queue on a file lock, background processes yield to the web tier, and a
wait past the timeout fails as SQLite itself would."""

import fcntl
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections, transaction

from channels.models import Conversation


def sqlite_only(test):
    """The queue is SQLite's (on PostgreSQL there is nothing to queue on)."""
    test = pytest.mark.django_db(transaction=True)(test)
    return pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")(test)


def _lock_file(suffix: str) -> str:
    return os.path.abspath(connection.settings_dict["NAME"]) + suffix


@pytest.fixture
def tuned(transactional_db):
    """The real connection of this thread, with its lock settings restored afterwards."""
    wrapper = connections["default"]
    wrapper.ensure_connection()
    saved = wrapper._lock_timeout, wrapper._background
    yield wrapper
    wrapper._lock_timeout, wrapper._background = saved


def _write(phone: str) -> None:
    with transaction.atomic():
        Conversation.objects.create(channel="whatsapp", phone=phone)


@sqlite_only
def test_a_second_writer_waits_for_the_first_and_then_writes():
    first_writing, release, order = threading.Event(), threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                Conversation.objects.create(channel="whatsapp", phone="+628111")
                first_writing.set()
                release.wait(5)
                order.append("first commits")
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_writing.wait(5)
    threading.Timer(0.2, release.set).start()
    started = time.monotonic()
    _write("+628222")  # queues behind the first writer instead of failing or sleeping long
    order.append("second commits")
    thread.join(5)
    assert order == ["first commits", "second commits"]
    assert 0.15 < time.monotonic() - started < 2
    assert Conversation.objects.count() == 2


@sqlite_only
def test_a_writer_waiting_past_the_timeout_gets_database_is_locked(tuned):
    holding, release = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                Conversation.objects.create(channel="whatsapp", phone="+628111")
                holding.set()
                release.wait(5)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert holding.wait(5)
        tuned._lock_timeout = 0.1
        with pytest.raises(OperationalError, match="database is locked"):
            _write("+628222")
    finally:
        release.set()
        thread.join(5)
    _write("+628222")  # the lock was let go with the failed attempt: the next write works
    assert Conversation.objects.count() == 2


@sqlite_only
def test_a_background_writer_waits_while_the_web_tier_wants_to_write(tuned):
    """A web process waiting to write holds a shared lock on <db>.waiting; a task worker (idle
    scheduling or niced) starts a write only when it can take that lock alone, 20 ms after the
    web tier's last write."""
    tuned._lock_timeout = 0.1
    web_waiting = os.open(_lock_file(".waiting"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(web_waiting, fcntl.LOCK_SH)
        tuned._background = True
        with pytest.raises(OperationalError, match="database is locked"):
            _write("+628111")
        tuned._background = False
        _write("+628222")  # another web writer is not held back by it
        fcntl.flock(web_waiting, fcntl.LOCK_UN)
        tuned._background, tuned._lock_timeout = True, 0.005
        with pytest.raises(OperationalError, match="database is locked"):
            _write("+628333")  # the web tier wrote a moment ago: more may be on its way
        tuned._lock_timeout = 1
        started = time.monotonic()
        _write("+628333")  # 20 ms without web writes and nobody waiting: the worker writes
        assert time.monotonic() - started < 0.5
    finally:
        os.close(web_waiting)
    assert sorted(Conversation.objects.values_list("phone", flat=True)) == ["+628222", "+628333"]


@pytest.mark.parametrize("prefix", [["nice", "-n", "5"], ["chrt", "--idle", "0"]])
def test_a_niced_or_idle_scheduled_process_writes_in_the_background(prefix):
    if not shutil.which(prefix[0]):
        pytest.skip(f"{prefix[0]} is not installed")
    code = "from loket.sqlite.base import runs_in_background as r; print(r())"
    env = {**os.environ, "PYTHONPATH": str(settings.BASE_DIR)}
    run = subprocess.run([*prefix, sys.executable, "-c", code], env=env, capture_output=True)
    assert run.stdout.strip() == b"True", run.stderr


def test_a_background_writer_holding_the_lock_is_not_idle_scheduled():
    if not shutil.which("chrt"):
        pytest.skip("chrt is not installed")
    code = (
        "import os; from loket.sqlite.base import _leave_idle_scheduling as up, "
        "_return_to_idle_scheduling as down\n"
        "idle = lambda: os.sched_getscheduler(0) == os.SCHED_IDLE\n"
        "before = idle(); boosted = up(); during = idle(); down()\n"
        "print(before, boosted, during, idle())"
    )
    env = {**os.environ, "PYTHONPATH": str(settings.BASE_DIR)}
    run = subprocess.run(
        ["chrt", "--idle", "0", sys.executable, "-c", code], env=env, capture_output=True
    )
    assert run.stdout.split() == [b"True", b"True", b"False", b"True"], run.stderr

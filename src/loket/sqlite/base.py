"""Django's SQLite backend, with writers queueing on file locks instead of sleeping.

SQLite lets one transaction write at a time. A writer that finds the database locked sleeps
in SQLite's busy handler for 1, 2, 5, 10… ms before looking again, so under steady writes
(three gunicorn workers storing webhooks, two task workers answering them) the lock is often
free while every waiter is still asleep, and the CPUs idle. Here each write transaction
(`BEGIN IMMEDIATE`, settings.py) first takes an exclusive `flock` on `<database>.writers`,
polled every few tens of microseconds, and lets it go at COMMIT or ROLLBACK: the next writer
starts within microseconds of the last one finishing.

Background processes (the task workers: idle CPU scheduling or niced, see bin/serve) also
yield to foreground writers: a foreground writer holds a shared lock on `<database>.waiting`
from the moment it wants to write until it is done and touches that file when it is done; a
background writer starts only when it can take that lock exclusively and the web tier has not
written for 20 ms: during a burst of webhooks the queue waits, then catches up. Without this,
a task worker's long transaction, preempted by the web tier it is meant to make way for, keeps
every webhook waiting (priority inversion).

A background process that has the lock runs as a normal (niced) process until it lets it go,
so the web requests waiting for it do not also keep it off the CPU.

SQLite's own lock still guards the data; these locks only order the queue, and a wait longer
than the database's `timeout` fails exactly as SQLite would ("database is locked"). In-memory
databases are left as they are.
"""

import fcntl
import os
import sqlite3
import time

from django.db.backends.sqlite3 import base

FIRST_PAUSE, LONGEST_PAUSE = 20e-6, 250e-6  # seconds between looks at a held lock
QUIET_NS = 20_000_000  # a background writer starts only after 20 ms without web writes


def runs_in_background() -> bool:
    """This process asked for idle CPU time (SCHED_IDLE) or a lower priority (nice > 0)."""
    try:
        idle = os.sched_getscheduler(0) == os.SCHED_IDLE
        return idle or os.getpriority(os.PRIO_PROCESS, 0) > 0
    except (AttributeError, OSError):  # not Linux
        return False


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_fds: tuple[int, int] | None = None  # (writers, waiting)
    _holding = False
    _lock_timeout = 5.0  # seconds; the database's own `timeout` once connected
    _background = False
    _boosted = False  # left idle scheduling while holding the writer lock

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self._lock_fds = None
        if not self.is_in_memory_db():
            path = os.path.abspath(self.settings_dict["NAME"])
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
            self._lock_fds = (
                os.open(f"{path}.writers", flags, 0o600),
                os.open(f"{path}.waiting", flags, 0o600),
            )
        self._holding = False
        self._lock_timeout = float(conn_params.get("timeout", 5))
        self._background = runs_in_background()
        return connection

    def _start_transaction_under_autocommit(self):
        self._take_writers_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writers_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writers_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writers_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writers_lock()
            if self._lock_fds is not None:
                for fd in self._lock_fds:
                    os.close(fd)
                self._lock_fds = None

    def _take_writers_lock(self) -> None:
        if self._lock_fds is None or self._holding:
            return
        writers, waiting = self._lock_fds
        deadline = time.monotonic() + self._lock_timeout
        if self._background:
            self._poll(deadline, FIRST_PAUSE, lambda: self._take_when_nobody_waits())
            self._boosted = _leave_idle_scheduling()
        else:
            self._poll(deadline, FIRST_PAUSE, lambda: _try(waiting, fcntl.LOCK_SH))
            try:
                self._poll(deadline, FIRST_PAUSE, lambda: _try(writers, fcntl.LOCK_EX))
            except BaseException:
                fcntl.flock(waiting, fcntl.LOCK_UN)
                raise
        self._holding = True

    def _take_when_nobody_waits(self) -> bool:
        writers, waiting = self._lock_fds
        if time.time_ns() - os.fstat(waiting).st_mtime_ns < QUIET_NS:
            return False  # the web tier wrote a moment ago: more is likely on its way
        if not _try(waiting, fcntl.LOCK_EX):
            return False  # a foreground writer waits or writes
        try:
            return _try(writers, fcntl.LOCK_EX)
        finally:
            fcntl.flock(waiting, fcntl.LOCK_UN)

    def _poll(self, deadline: float, pause: float, attempt) -> None:
        while not attempt():
            if time.monotonic() >= deadline:
                with self.wrap_database_errors:
                    raise sqlite3.OperationalError("database is locked")
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)

    def _release_writers_lock(self) -> None:
        if self._holding and self._lock_fds is not None:
            self._holding = False
            writers, waiting = self._lock_fds
            fcntl.flock(writers, fcntl.LOCK_UN)
            if not self._background:
                os.utime(waiting)  # "the web tier just wrote", for background writers
                fcntl.flock(waiting, fcntl.LOCK_UN)
            if self._boosted:
                self._boosted = False
                _return_to_idle_scheduling()


def _leave_idle_scheduling() -> bool:
    """While it holds the writer lock a background process runs as a normal (still niced) one:
    idle scheduled, it would be preempted by the very web requests that wait for its commit."""
    try:
        if os.sched_getscheduler(0) != os.SCHED_IDLE:
            return False
        os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
        return True
    except (AttributeError, OSError):  # not Linux, or not allowed (RLIMIT_NICE): stay idle
        return False


def _return_to_idle_scheduling() -> None:
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except OSError:  # pragma: no cover - going down in priority is always allowed
        pass


def _try(fd: int, kind: int) -> bool:
    try:
        fcntl.flock(fd, kind | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False

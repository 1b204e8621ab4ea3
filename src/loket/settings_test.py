"""Test settings: tasks run in-process when their transaction commits."""

import os

from loket.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users only

if DATABASES["default"]["ENGINE"] == "loket.sqlite":  # noqa: F405
    # A file, not :memory:, so tests with threads (concurrent writers, the live server) see
    # one database with real locking, as in production.
    # One file per process, so two test runs side by side never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

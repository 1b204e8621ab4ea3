"""One pooled HTTP client per thread for calls to outside systems.

A fresh `httpx.post()` builds a new client and TLS context each time (about 45 ms of CPU for the
certificate bundle); the worker sends thousands of messages, so it keeps one client per thread.
"""

import threading

import httpx

_local = threading.local()


def pooled_client() -> httpx.Client:
    client = getattr(_local, "client", None)
    if client is None:
        client = _local.client = httpx.Client(follow_redirects=False)
    return client

"""Helpers for the JSON API: problems lists, JSON bodies, a per-client rate limit."""

import functools
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from loket.http import client_ip
from population.nik import Problem


def problem(code: str, template, **params) -> Problem:
    return Problem(code=code, template=template, params=params)


def problems_response(problems, status: int = 422, **extra) -> JsonResponse:
    return JsonResponse({**extra, "problems": [p.as_dict() for p in problems]}, status=status)


def json_body(request) -> dict:
    """The request's JSON object, or raise ValueError."""
    data = json.loads(request.body or b"null")
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return data


BAD_JSON = problem("invalid_json", _("Isi permintaan harus berupa objek JSON yang valid."))


def rate_limited(request, scope: str, per_minute: int) -> JsonResponse | None:
    """A 429 answer once a client passes `per_minute` calls to `scope` in the current minute."""
    window = int(time.time() // 60)
    key = f"rate:{scope}:{client_ip(request)}:{window}"
    count = cache.get_or_set(key, 0, timeout=61)
    count = cache.incr(key)
    if count <= per_minute:
        return None
    response = problems_response(
        [problem("rate_limited", _("Terlalu banyak permintaan. Coba lagi sebentar lagi."))], 429
    )
    response["Retry-After"] = str(60 - int(time.time()) % 60)
    return response


def allow(*methods: str):
    """Like require_http_methods, but the refusal is a JSON problems list."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = problems_response(
                    [problem("method_not_allowed", _("Metode HTTP ini tidak didukung di sini."))],
                    405,
                )
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def status_lookup_limit() -> int:
    return settings.API_STATUS_LOOKUPS_PER_MINUTE

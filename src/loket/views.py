import os
from pathlib import Path

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from catalogue.selectors import active_services


def home(request):
    return render(request, "home.html", {"services": active_services()})


def health(request):
    """Load balancer probe: 200 when the database answers, 503 when it does not.

    `/health?deep=1` (for monitoring, once a minute) also reads the file storage (the bucket,
    when uploads are on object storage) and reports the task queue's backlog: a growing
    `oldest_ready_task_seconds` means no task worker is running.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 — any failure is "not healthy", the probe must answer
        checks["database"] = "error"
    if request.GET.get("deep") and checks["database"] == "ok":
        checks.update(_deep_checks())
    healthy = all(value != "error" for value in checks.values())
    body = {"status": "ok" if healthy else "error"}
    if request.GET.get("deep") or not healthy:
        body["checks"] = checks
    return JsonResponse(body, status=200 if healthy else 503)


def _deep_checks() -> dict:
    from django.core.files.storage import storages
    from django.db.models import Count, Min
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    checks = {}
    checks["storage"] = "ok" if _storage_reachable(storages["default"]) else "error"
    backlog = DBTaskResult.objects.ready().aggregate(count=Count("id"), oldest=Min("enqueued_at"))
    checks["ready_tasks"] = backlog["count"]
    oldest = backlog["oldest"]
    checks["oldest_ready_task_seconds"] = (
        round((timezone.now() - oldest).total_seconds()) if oldest else 0
    )
    return checks


def _storage_reachable(storage) -> bool:
    """One HEAD of the bucket on object storage; on disk, the uploads folder can be written."""
    try:
        if hasattr(storage, "bucket_name"):
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
            return True
        folder = Path(storage.location)
        while not folder.exists():  # created on the first upload
            folder = folder.parent
        return os.access(folder, os.W_OK)
    except Exception:  # noqa: BLE001 — whatever the failure, the answer is "not reachable"
        return False


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(
            {"problems": [{"code": "not_found", "message": "Not found"}]}, status=404
        )
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            {"problems": [{"code": "server_error", "message": "Error"}]}, status=500
        )
    return render(request, "500.html", status=500)


@csrf_exempt  # a POST baseline for the webhook benchmark; only routed when benchmarking
def bare(request):
    return JsonResponse({"ok": True})

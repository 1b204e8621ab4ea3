from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from catalogue.selectors import active_services


def home(request):
    return render(request, "home.html", {"services": active_services()})


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


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

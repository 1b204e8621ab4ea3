from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Pages speak Indonesian unless the visitor chose English with the switch (cookie).

    Many phones are set to English while their owners read Indonesian best, so the browser's
    Accept-Language is not a choice. The JSON API, used by other systems, follows it.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNulBytesMiddleware:
    """A NUL byte in the path or query is never legitimate and PostgreSQL cannot store or compare
    it (SQLite can): answer 400 up front instead of a database error deep in a view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return HttpResponseBadRequest("Bad request", content_type="text/plain")
        return self.get_response(request)

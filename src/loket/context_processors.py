from django.conf import settings


def office(request):
    return {"office_name": settings.OFFICE_NAME, "office_whatsapp": settings.OFFICE_WHATSAPP}

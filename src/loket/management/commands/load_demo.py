"""Demo data for `make demo` (idempotent): an admin, a resident with applications in real
Balikpapan desa, and an office calendar entry. Regions and the catalogue come from migrations."""

import io
import os
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from applications import services
from catalogue.models import Service
from catalogue.selectors import requirements_for
from workdays.models import OfficeDay

DEMO_OFFICERS = [
    ("verifikator", "verifier"),
    ("operator", "operator"),
    ("loket", "pickup_desk"),
    ("pengaduan", "customer_service"),
    ("kasi", "head_of_section"),
    ("informasi", "front_desk"),
    ("desa", "operator_desa"),  # assisted intake for Sepinggan (see _operator_area)
]

DEMO_PHONE = "+6281200000001"
DEMO_OPERATOR_VILLAGE = "6471051002"  # Sepinggan, Balikpapan Selatan


def demo_scan(label: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (235, 235, 225)).save(out, "JPEG")
    return SimpleUploadedFile(f"{label}.jpg", out.getvalue(), content_type="image/jpeg")


class Command(BaseCommand):
    help = "Load demo data (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        user_model = get_user_model()
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "loket-demo-admin")
        admin, created = user_model.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(password)
            admin.save()
        TOTPDevice.objects.get_or_create(user=admin, defaults={"name": "demo", "confirmed": True})
        OfficeDay.objects.get_or_create(
            date=date(2027, 2, 10),
            defaults={"is_working_day": False, "reason": "HUT Kota Balikpapan (libur daerah)"},
        )
        resident, created = user_model.objects.get_or_create(
            phone=DEMO_PHONE, defaults={"username": DEMO_PHONE}
        )
        if created:
            self._applications(resident)
        officers = [self._officer(name, role) for name, role in DEMO_OFFICERS]
        self._operator_area("desa", DEMO_OPERATOR_VILLAGE)
        self.stdout.write(
            "Demo officers (log in at http://127.0.0.1:8000/kantor/account/login/, password "
            f"{password}; the 6-digit second factor: `.venv/bin/python manage.py demo_totp NAME`): "
            + ", ".join(officers)
            + "\n"
            f"Demo admin: http://127.0.0.1:8000/admin/ — admin / {password}\n"
            f"Demo resident: sign in with 0812 0000 0001; the code appears at "
            f"http://127.0.0.1:8025/"
        )

    def _operator_area(self, username: str, village_code: str) -> None:
        from assisted.models import OperatorArea

        operator = get_user_model().objects.get(username=username)
        if not OperatorArea.objects.filter(operator=operator).exists():
            OperatorArea.objects.create(operator=operator, village_id=village_code)

    def _officer(self, username: str, role: str) -> str:
        user_model = get_user_model()
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "loket-demo-admin")
        officer, created = user_model.objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        if created:
            officer.set_password(password)
            officer.save()
            officer.groups.set([Group.objects.get(name=role)])
        TOTPDevice.objects.get_or_create(user=officer, defaults={"name": "demo", "confirmed": True})
        return f"{username} ({role})"

    def _applications(self, resident):
        kk = Service.objects.get(code="KK")
        submitted = services.application_start(
            resident=resident,
            service=kk,
            variant=kk.variants.get(code="PERUBAHAN"),
            data={
                "nik": "6471011208850003",
                "no_kk": "6471010101150004",
                "name": "Andi Saputra",
                "village": "6471011002",
                "address": "Jl. Mulawarman No. 12 RT 05",
            },
        )
        for requirement in requirements_for(kk, submitted.variant):
            services.attachment_put(
                application=submitted, requirement=requirement, upload=demo_scan(requirement.code)
            )
        services.application_submit(application=submitted, acting_user=resident)
        ktp = Service.objects.get(code="KTP")
        services.application_start(
            resident=resident,
            service=ktp,
            variant=ktp.variants.get(code="RUSAK"),
            data={
                "nik": "6471011208850003",
                "no_kk": "6471010101150004",
                "name": "Andi Saputra",
                "sex": "L",
                "birth_date": "1985-08-12",
                "village": "6471011002",
                "address": "Jl. Mulawarman No. 12 RT 05",
            },
        )

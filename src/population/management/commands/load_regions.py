"""Loads the desa/kelurahan of OFFICE_REGENCY_CODE (after changing it) and any missing regions."""

from django.conf import settings
from django.core.management.base import BaseCommand

from population.models import District, Province, Regency, Village
from population.regions import SOURCE, load_regions


class Command(BaseCommand):
    help = "Load region codes for the office's kabupaten/kota (idempotent)."

    def handle(self, *args, **options):
        load_regions(Province, Regency, District, Village, settings.OFFICE_REGENCY_CODE)
        count = Village.objects.filter(code__startswith=settings.OFFICE_REGENCY_CODE).count()
        self.stdout.write(f"{count} desa/kelurahan for {settings.OFFICE_REGENCY_CODE} ({SOURCE})")

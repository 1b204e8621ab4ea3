"""python manage.py import_population FILE.csv|FILE.xlsx — the office's aggregate population data.

Columns: year,semester,kecamatan_code,document,sex,eligible,owned, optionally followed by age_band
(0-4, 5-17, 75+; blank = all ages). A bad row names its line and problem and nothing of the file
is loaded; a period in the file replaces the stored one.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from loket.errors import DomainError
from reports.services import population_import


class Command(BaseCommand):
    help = "Import aggregate population figures (CSV or XLSX) for the coverage reports."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        try:
            result = population_import(content=content, filename=file.name)
        except DomainError as error:
            problems = "\n".join([f"{file.name}: nothing imported.", *error.messages])
            raise CommandError(problems) from error
        periods = ", ".join(f"{year}/{semester}" for year, semester in result.periods)
        self.stdout.write(f"Imported {result.rows} rows for period(s) {periods}.")

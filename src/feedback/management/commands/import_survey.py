"""Load paper IKM forms from a CSV file and print the index they give.

Contract: a header line `respondent,date,service,u1,u2,u3,u4,u5,u6,u7,u8,u9` (UTF-8, comma
separated), then one filled form per line. All or nothing: when any row is bad, every problem
is printed (line number and what is wrong) and nothing is loaded, so a corrected file can simply
be imported again without duplicates — the same contract as the population import.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalogue.models import Service
from feedback import ikm
from feedback.models import SurveyResponse

COLUMNS = ["respondent", "date", "service", *ikm.ELEMENT_CODES]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ROWS = 100_000  # a year's paper forms are far fewer; more is the wrong file


@dataclass
class Row:
    line: int
    respondent: str
    answered_on: date
    service: Service
    scores: list[int]


def decimal_comma(value) -> str:
    return str(value).replace(".", ",")


class Command(BaseCommand):
    help = (
        "Load paper satisfaction-survey forms from CSV (columns respondent,date,service,u1..u9; "
        "date YYYY-MM-DD; service a catalogue code such as KTP; scores 1-4). All or nothing: if "
        "any row is bad, each problem is printed with its line number, nothing is loaded and the "
        "exit code is 1. On success prints each element's average, then the IKM and its grade."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            with file.open(newline="", encoding="utf-8-sig") as handle:
                rows, problems = self.parse(csv.reader(handle))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {file}: {error}") from error
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} problem(s); nothing was loaded")
        with transaction.atomic():
            SurveyResponse.objects.bulk_create(
                SurveyResponse(
                    service=row.service,
                    channel=SurveyResponse.PAPER,
                    respondent=row.respondent,
                    answered_on=row.answered_on,
                    **dict(zip(ikm.ELEMENT_CODES, row.scores, strict=True)),
                )
                for row in rows
            )
        self.report(ikm.compute(row.scores for row in rows))

    def parse(self, reader) -> tuple[list[Row], list[str]]:
        header = [name.strip().lower() for name in next(reader, [])]
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            return [], [f"line 1: missing column(s): {', '.join(missing)}"]
        position = {name: header.index(name) for name in COLUMNS}
        services = {s.code: s for s in Service.objects.all()}
        existing = set(
            SurveyResponse.objects.exclude(respondent="").values_list(
                "respondent", "answered_on", "service__code"
            )
        )
        rows, problems, seen = [], [], {}
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue  # blank lines, e.g. at the end of a spreadsheet export
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append(f"line {line}: more than {MAX_ROWS} rows; split the file")
                break
            row, row_problems = self.parse_row(line, values, position, services)
            if row is not None:
                key = (row.respondent, row.answered_on, row.service.code)
                if key in seen:
                    row_problems.append(
                        f"duplicate respondent {row.respondent!r} for {row.answered_on} and "
                        f"{row.service.code} (also on line {seen[key]})"
                    )
                elif key in existing:
                    row_problems.append(
                        f"respondent {row.respondent!r} for {row.answered_on} and "
                        f"{row.service.code} was already loaded"
                    )
                seen.setdefault(key, line)
            if row_problems:
                problems += [f"line {line}: {text}" for text in row_problems]
            else:
                rows.append(row)
        if not rows and not problems:
            problems.append("the file has no forms")
        return rows, problems

    def parse_row(self, line, values, position, services) -> tuple[Row | None, list[str]]:
        problems = []
        cells = {}
        for name, index in position.items():
            cell = values[index].strip() if index < len(values) else ""
            if not cell:
                problems.append(f"missing column {name}")
            cells[name] = cell
        if len(values) > len(position) and any(v.strip() for v in values[len(position) :]):
            problems.append(f"{len(values)} columns, expected {len(position)}")
        answered_on = None
        if cells["date"]:
            try:
                if not ISO_DATE.match(cells["date"]):
                    raise ValueError
                answered_on = date.fromisoformat(cells["date"])
            except ValueError:
                problems.append(f"date {cells['date']!r} is not a date in YYYY-MM-DD")
        service = services.get(cells["service"].upper()) if cells["service"] else None
        if cells["service"] and service is None:
            problems.append(f"unknown service code {cells['service']!r}")
        scores = []
        for name in ikm.ELEMENT_CODES:
            cell = cells[name]
            if not cell:
                continue
            if cell not in ("1", "2", "3", "4"):
                problems.append(f"{name} is {cell!r}, a score must be 1, 2, 3 or 4")
                continue
            scores.append(int(cell))
        if len(cells["respondent"]) > 40:
            problems.append("respondent longer than 40 characters")
        if problems:
            return None, problems
        return Row(line, cells["respondent"], answered_on, service, scores), []

    def report(self, result: ikm.IkmResult) -> None:
        self.stdout.write(f"{result.respondents} form(s) loaded")
        for element in result.elements:
            self.stdout.write(
                f"{element.code.upper()} {element.name}: {decimal_comma(element.average_rounded)}"
            )
        self.stdout.write(
            f"IKM: {decimal_comma(result.converted)} ({result.grade}, {result.grade_label})"
        )

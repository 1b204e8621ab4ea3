"""Builders for the reports tests: an officer with the reports role, population files, and
applications made in bulk (the seeds' tens of thousands of rows in a second or two)."""

import csv
import io
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from applications.models import Application
from catalogue.models import Service
from reports.services import COLUMNS, population_import
from reports.views import REPORTS

OFFICE_ZONE = ZoneInfo("Asia/Makassar")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=OFFICE_ZONE)


@pytest.fixture
def reports_client(officer_client):
    """(client, officer) for an officer with the reports role."""
    Group.objects.get_or_create(name=REPORTS)
    return officer_client(REPORTS)


def csv_bytes(rows, header=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def load_population(db):
    """load_population([(year, semester, kecamatan, document, sex, eligible, owned), ...])"""

    def load(rows):
        return population_import(content=csv_bytes(rows), filename="figures.csv")

    return load


@pytest.fixture
def bulk_applications(resident):
    """bulk_applications([dict(service="KTP", submitted_at=..., ...), ...]) → saved rows."""
    service_ids = dict(Service.objects.values_list("code", "id"))

    def build(specs):
        rows = [
            Application(
                resident=resident,
                service_id=service_ids[spec.pop("service", "KTP")],
                status=spec.pop("status", "handed_over"),
                **spec,
            )
            for spec in specs
        ]
        made = Application.objects.bulk_create(rows, batch_size=5000)
        analyze(Application)
        return made

    return build


def analyze(*models) -> None:
    """Fresh planner statistics for tables just filled inside the test's transaction (which
    autovacuum never sees): without them PostgreSQL can pick a nested loop over 200,000 rows."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def insert_rows(model, rows: list[dict]) -> list[int]:
    """INSERT many rows of `model` with executemany, skipping the ORM's per-object work (the
    Balikpapan seed alone is 218,047 cards); each value still goes through its field's own
    conversion for the database. Returns the new ids in insertion order."""
    fields = {f.attname: f for f in model._meta.concrete_fields if f.attname != "id"}
    columns = list(rows[0])
    for name, field in fields.items():  # what the ORM would fill in; nullable ones stay NULL
        if name not in columns and (field.has_default() or not field.null):
            columns.append(name)
    now = timezone.now()
    table = model._meta.db_table
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    params, prepared = [], {}  # most values repeat: convert each distinct one once
    for row in rows:
        values = []
        for name in columns:
            field = fields[name]
            if name in row:
                value = row[name]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif name == "public_id":
                value = uuid.uuid4().hex if connection.vendor == "sqlite" else uuid.uuid4()
                values.append(value)
                continue
            else:
                value = field.get_default()
                value = value if isinstance(value, int | str) else repr(value)  # {} → "{}"
                key = (name, value)
                if key not in prepared:
                    prepared[key] = field.get_db_prep_save(field.get_default(), connection)
                values.append(prepared[key])
                continue
            key = (name, value) if isinstance(value, int | str | datetime) else None
            if key is None or key not in prepared:
                converted = field.get_db_prep_save(value, connection)
                if key is None:
                    values.append(converted)
                    continue
                prepared[key] = converted
            values.append(prepared[key])
        params.append(values)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        (before,) = cursor.fetchone()
        cursor.executemany(sql, params)
        cursor.execute(f"SELECT id FROM {table} WHERE id > %s ORDER BY id", [before])  # noqa: S608
        made = [pk for (pk,) in cursor.fetchall()]
    analyze(model)
    return made

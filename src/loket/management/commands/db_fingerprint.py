"""Print every table's row count and a SHA-256 of its rows in primary-key order (JSON).

The restore drill (docs/deploy.md) runs it on a quiet database and on its restored copy: the
same output means the same data, table by table. On PostgreSQL the sequences' next values are
included too (a restore that lost them would hand out ids that already exist).
"""

import hashlib
import json

from django.core.management.base import BaseCommand
from django.db import connection


def table_fingerprint(cursor, table: str) -> dict:
    quote = connection.ops.quote_name
    columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    primary = connection.introspection.get_primary_key_column(cursor, table)
    order = [primary] if primary else columns  # a table without a key: order by everything
    cursor.execute(
        f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)} "  # noqa: S608
        f"ORDER BY {', '.join(map(quote, order))}"
    )
    digest = hashlib.sha256(json.dumps(columns).encode())
    rows = 0
    while batch := cursor.fetchmany(2000):
        for row in batch:
            digest.update(repr(tuple(_plain(value) for value in row)).encode())
            rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def _plain(value):
    # psycopg returns memoryview for bytea; compare the bytes, not the object's address.
    return bytes(value) if isinstance(value, memoryview) else value


def sequences(cursor) -> dict[str, int]:
    if connection.vendor != "postgresql":
        return {}
    cursor.execute(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema() "
        "ORDER BY sequencename"
    )
    return {name: value for name, value in cursor.fetchall()}


def fingerprint() -> dict:
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        return {
            "vendor": connection.vendor,
            "tables": {table: table_fingerprint(cursor, table) for table in tables},
            "sequences": sequences(cursor),
        }


class Command(BaseCommand):
    help = "Row counts and checksums of every table (compare a database with its restored copy)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(fingerprint(), indent=1, sort_keys=True))

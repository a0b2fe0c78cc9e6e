"""Writing the demo city's rows: `bulk_create`, or on PostgreSQL COPY with the foreign keys of the written
tables set aside until the end; then the sequences reset above the keys given."""

from collections.abc import Iterable
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import JSONField, Model
from django.utils import timezone
from psycopg.types.json import Jsonb

BATCH = 2000


@contextmanager
def _foreign_keys_set_aside(models: Iterable[type[Model]]):
    """On PostgreSQL, drop the foreign keys of the tables written and add them back at the end.

    PostgreSQL checks a foreign key row by row, locking each referenced row; for the million rows of the
    metro scale that alone took longer than writing them. Added back, each key is checked in one query
    over the whole table: the recipe of the PostgreSQL manual ("Populating a Database"). It all happens
    inside the seed's transaction, so no one ever sees the tables without their keys, and a row that
    broke one would fail the seed. Where the database user may not alter the tables, the keys stay and
    the load is just slower.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # Rows written earlier in the transaction (the categories) are checked now: a table with
        # checks still pending cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid IN (SELECT to_regclass(name) FROM unnest(%s::text[]) name) "
            "ORDER BY 1, 2",
            [tables],
        )
        constraints = cursor.fetchall()
        try:
            with transaction.atomic():
                for table, name, _definition in constraints:
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        except DatabaseError:
            constraints = []
    yield
    with connection.cursor() as cursor:
        # Fresh statistics first: each key is checked with one join over the table, and on the
        # statistics of the empty table PostgreSQL plans that join as a nested loop (seconds per key).
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        for table, name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        # Back to Django's way: every foreign key checked at commit.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _insert(model: type[Model], rows: list[dict]) -> None:
    """Write new rows given as dicts of column values; a column a row leaves out gets the field's default
    (one `now` for timestamps), and rows without an "id" get theirs from the database.

    On PostgreSQL through COPY, several times faster than `bulk_create` (which spends most of its time
    preparing parameters); elsewhere through `bulk_create`.
    """
    if not rows:
        return
    now = timezone.now()
    columns = []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key and "id" not in rows[0]:
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            default = now
        else:
            default = model_field.get_default()
        columns.append((model_field, default))
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**{f.attname: row.get(f.attname, default) for f, default in columns}) for row in rows],
            batch_size=BATCH,
        )
        return
    # JSON columns last, so that the loop below appends them wrapped for psycopg.
    columns.sort(key=lambda column: isinstance(column[0], JSONField))
    plain = [(f.attname, default) for f, default in columns if not isinstance(f, JSONField)]
    json = [(f.attname, default) for f, default in columns if isinstance(f, JSONField)]
    names = ", ".join(connection.ops.quote_name(f.column) for f, _default in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            values = [row.get(attname, default) for attname, default in plain]
            for attname, default in json:
                value = row.get(attname, default)
                values.append(None if value is None else Jsonb(value))
            copy.write_row(values)


def _reset_sequences(models: Iterable[type[Model]]) -> None:
    """Primary keys were given by the builder; the database's own counters must continue above them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

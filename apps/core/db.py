"""Database helpers every domain shares."""

import operator

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction


def save_or_refuse(instance: models.Model, error: dict | str) -> None:
    """Save the row; when a unique constraint refuses it (a concurrent request took the name or code
    between the service's check and the write), answer `error` as a ValidationError, not a server error.
    The savepoint keeps the caller's transaction usable."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as integrity_error:
        raise ValidationError(error) from integrity_error


def update_each(model: type[models.Model], rows: list[models.Model], fields: list[str]) -> None:
    """Write `fields` of each row, whose values differ from row to row, in one statement.

    Django's bulk_update spells this as one CASE per field and row, which costs more to build than to
    run; on PostgreSQL this joins the rows as a VALUES list instead (UPDATE … FROM (VALUES …)).
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, fields)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    casts = [f"%s::{field.db_type(connection)}" for field in [meta.pk, *columns]]
    values = ", ".join(f"({', '.join(casts)})" for _row in rows)
    params = [
        field.get_db_prep_save(getattr(row, field.attname), connection)
        for row in rows
        for field in [meta.pk, *columns]
    ]
    names = ", ".join(connection.ops.quote_name(field.column) for field in [meta.pk, *columns])
    assignments = ", ".join(
        f"{connection.ops.quote_name(c.column)} = v.{connection.ops.quote_name(c.column)}" for c in columns
    )
    table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            # Names come from the model's own fields; every value is a parameter.
            f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v ({names}) "  # noqa: S608
            f"WHERE {table}.{pk} = v.{pk}",
            params,
        )


def insert_rows(model: type[models.Model], rows: list[dict]) -> None:
    """Insert many rows given as {attname: value} (missing fields take their defaults), for derived
    tables written by the ten thousand: with COPY on PostgreSQL, where building model instances and
    INSERT parameters would cost more than the writing; with bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    blank = {field.attname: field.get_default() for field in fields}
    # The defaults overlaid with the row, then the columns in order: both done in C, not per field.
    ordered = operator.itemgetter(*blank) if len(blank) > 1 else (lambda row: (row[next(iter(blank))],))
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(ordered({**blank, **row}))

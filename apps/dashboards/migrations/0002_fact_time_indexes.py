"""Block-range (BRIN) indexes on the times of the facts the rollups read by day: the timeline's entries
and the visits. Both tables grow in time order, so a BRIN index finds a day's rows in a few blocks and
costs next to nothing to keep up. PostgreSQL only; the embedded SQLite reads small demo tables."""

from django.db import migrations

INDEXES = (
    ("dashboards_caseevent_time_brin", "cases_caseevent", "created_at"),
    ("dashboards_visit_time_brin", "visits_visit", "visited_at"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING brin ({column})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
        ("cases", "0003_timeline_append_only"),
        ("visits", "0002_default_plans"),
    ]

    operations = [migrations.RunPython(create, drop)]

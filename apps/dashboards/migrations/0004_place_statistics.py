"""Statistics of the dependency between a rollup row's area and its copied ancestors. A dashboard reads
`area_id = X` (or `parent_id = X`) and restrict() adds `district_id = D`: without these, PostgreSQL takes
the two as independent, expects a few rows where a year holds tens of thousands, and sorts them to group
them where hashing is twice as fast. PostgreSQL only."""

from django.db import migrations

TABLES = ("caseday", "areaday", "departmentday", "visitday", "workerday")
COLUMNS = "area_id, parent_id, district_id, street_id, community_id"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS dashboards_{table}_place (dependencies) "
            f"ON {COLUMNS} FROM dashboards_{table}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS dashboards_{table}_place")


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0003_area_day")]

    operations = [migrations.RunPython(create, drop)]

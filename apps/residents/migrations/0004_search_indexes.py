"""Search indexes: residents' names by area for "begins with", and on PostgreSQL a trigram index on the
upper-cased address (what `address__icontains` compares), so that an address fragment of three
characters or more is found without reading every household of the area."""

from django.db import migrations, models

TRIGRAM = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS household_address_trgm_idx ON residents_household
    USING gin (UPPER(address::text) gin_trgm_ops);
"""


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGRAM)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS household_address_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("party", "0001_initial"),
        ("residents", "0003_append_only_and_reference_data"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="resident",
            name="resident_district_name_idx",
        ),
        migrations.RemoveIndex(
            model_name="resident",
            name="resident_street_name_idx",
        ),
        migrations.RemoveIndex(
            model_name="resident",
            name="resident_community_name_idx",
        ),
        migrations.RemoveIndex(
            model_name="resident",
            name="resident_grid_name_idx",
        ),
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(
                fields=["district", "name"],
                name="resident_district_name_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(
                fields=["street", "name"],
                name="resident_street_name_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(
                fields=["community", "name"],
                name="resident_community_name_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(
                fields=["grid", "name"],
                name="resident_grid_name_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]

"""Name search is "begins with" inside the user's area: a range scan of these indexes on PostgreSQL,
whose pattern operator class serves LIKE 'x%' whatever the database's collation."""

from django.db import migrations, models


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
    ]

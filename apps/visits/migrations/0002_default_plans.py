"""The starting visit plans (every household once a quarter, red rentals weekly, 独居老人 every two weeks
…), which administrators edit afterwards."""

from django.db import migrations

from apps.visits.defaults import seed_plans


def seed(apps, schema_editor):
    seed_plans(apps.get_model("visits", "VisitPlan"), apps.get_model("residents", "CareTag"))


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial"), ("residents", "0003_append_only_and_reference_data")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

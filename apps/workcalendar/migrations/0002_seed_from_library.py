"""A fresh install starts with a calendar: every year chinese-calendar knows from 2024 on."""

from django.db import migrations

from apps.workcalendar.library import library_days, seed_years


def seed(apps, schema_editor):
    WorkDay = apps.get_model("workcalendar", "WorkDay")
    rows = [
        WorkDay(day=day, is_workday=is_workday, holiday=holiday, source="library")
        for year in seed_years()
        for day, is_workday, holiday in library_days(year)
    ]
    WorkDay.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

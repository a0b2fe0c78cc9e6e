from django.db import migrations

from apps.dispatch.defaults import DEFAULT_POLICIES


def add_defaults(apps, schema_editor):
    SlaPolicy = apps.get_model("dispatch", "SlaPolicy")
    for kind, accept, accept_clock, resolve, resolve_clock, note in DEFAULT_POLICIES:
        if not SlaPolicy.objects.filter(kind=kind, category=None, level=None).exists():
            SlaPolicy.objects.create(
                kind=kind,
                category=None,
                level=None,
                version=1,
                accept_minutes=accept,
                accept_clock=accept_clock,
                resolve_minutes=resolve,
                resolve_clock=resolve_clock,
                warn_percents=[50, 80],
                note=note,
            )


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]

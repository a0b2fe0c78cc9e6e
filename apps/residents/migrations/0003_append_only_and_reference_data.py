"""The household timeline and the access log are append-only in the database itself on PostgreSQL (the
access log's place columns may still follow a re-gridding, nothing else); and the starting lists of care
groups and risk rules, which administrators edit afterwards."""

from django.db import migrations

from apps.residents.defaults import seed_reference

FORBID = """
CREATE OR REPLACE FUNCTION residents_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER residents_householdevent_append_only BEFORE UPDATE OR DELETE ON residents_householdevent
    FOR EACH ROW EXECUTE FUNCTION residents_append_only();
CREATE TRIGGER residents_residentaccess_no_delete BEFORE DELETE ON residents_residentaccess
    FOR EACH ROW EXECUTE FUNCTION residents_append_only();
CREATE TRIGGER residents_residentaccess_no_rewrite BEFORE UPDATE ON residents_residentaccess
    FOR EACH ROW WHEN (
        (NEW.user_id, NEW.resident_id, NEW.field, NEW.purpose, NEW.reason, NEW.created_at)
        IS DISTINCT FROM (OLD.user_id, OLD.resident_id, OLD.field, OLD.purpose, OLD.reason, OLD.created_at)
    )
    EXECUTE FUNCTION residents_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS residents_householdevent_append_only ON residents_householdevent;
DROP TRIGGER IF EXISTS residents_residentaccess_no_delete ON residents_residentaccess;
DROP TRIGGER IF EXISTS residents_residentaccess_no_rewrite ON residents_residentaccess;
DROP FUNCTION IF EXISTS residents_append_only();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW)


def seed(apps, schema_editor):
    seed_reference(apps.get_model("residents", "CareTag"), apps.get_model("residents", "RiskRule"))


class Migration(migrations.Migration):
    dependencies = [("residents", "0002_initial")]
    operations = [
        migrations.RunPython(forbid, allow),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]

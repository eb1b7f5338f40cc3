"""S5.5: on PostgreSQL the database itself refuses to change or delete audit rows."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION sla_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sla_auditentry_append_only
    BEFORE UPDATE OR DELETE ON sla_auditentry
    FOR EACH ROW EXECUTE FUNCTION sla_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS sla_auditentry_append_only ON sla_auditentry;
DROP FUNCTION IF EXISTS sla_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]

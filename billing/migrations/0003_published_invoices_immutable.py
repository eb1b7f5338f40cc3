"""B4.4: on PostgreSQL the database refuses to change or delete a published invoice or its lines."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION billing_invoice_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'published' THEN
        RAISE EXCEPTION 'published invoice % cannot change', OLD.number;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_invoice_immutable BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_immutable();

CREATE OR REPLACE FUNCTION billing_invoiceline_immutable() RETURNS trigger AS $$
DECLARE
    invoice_state text;
BEGIN
    SELECT state INTO invoice_state FROM billing_invoice
        WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.invoice_id ELSE OLD.invoice_id END;
    IF invoice_state = 'published' THEN
        RAISE EXCEPTION 'lines of a published invoice cannot change';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_invoiceline_immutable BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_invoiceline_immutable();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS billing_invoiceline_immutable ON billing_invoiceline;
DROP FUNCTION IF EXISTS billing_invoiceline_immutable();
DROP TRIGGER IF EXISTS billing_invoice_immutable ON billing_invoice;
DROP FUNCTION IF EXISTS billing_invoice_immutable();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_bill_runs_invoices")]
    operations = [migrations.RunPython(forward, backward)]

"""S5.5: the audit trail is append-only, in the model and (on PostgreSQL) in the database."""

import pytest
from django.db import DatabaseError, connection, transaction

from sla import services
from sla.models import AuditEntry
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    subject = DepartmentFactory()
    return services.audit_record(
        subject=subject, actor=UserFactory(), transition="submit", from_state="draft", to_state="submitted"
    )


def test_s5_5_records_actor_time_from_to_and_comment(entry):
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.transition, stored.from_state, stored.to_state) == ("submit", "draft", "submitted")
    assert stored.actor is not None and stored.at is not None


def test_s5_5_entries_cannot_be_changed_or_deleted_through_the_orm(entry):
    entry.comment = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(comment="x")
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.all().delete()


def test_s5_5_postgresql_refuses_raw_updates_and_deletes(entry):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    for sql in ("UPDATE sla_auditentry SET comment = 'x'", "DELETE FROM sla_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.filter(pk=entry.pk, comment="").exists()

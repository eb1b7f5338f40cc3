"""The audit trail (S5.5): one append-only row per change, written by every workflow."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ..models import AuditEntry


def audit_record(
    *, subject, actor=None, transition: str, from_state="", to_state="", comment="", at: datetime | None = None
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        at=at or timezone.now(),
        transition=transition,
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        comment=comment,
    )

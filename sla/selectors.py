"""Reads of the deadline engine."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry, Deadline, Notification


def inbox_for(user):
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.INAPP).order_by(
        "-created_at", "-id"
    )


def unread_count(user) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


def deadlines_of(subject):
    ct = ContentType.objects.get_for_model(subject)
    return (
        Deadline.objects.filter(content_type=ct, object_id=subject.pk)
        .select_related("assessed_department")
        .prefetch_related("events")
        .order_by("started_at", "id")
    )


def audit_trail_of(subject):
    ct = ContentType.objects.get_for_model(subject)
    return AuditEntry.objects.filter(content_type=ct, object_id=subject.pk).select_related("actor").order_by("at", "id")

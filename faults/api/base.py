"""What the faults API's resources share: the department choices and the optional-comment body."""

from rest_framework import serializers

from org.models import Department


def all_departments():
    return Department.objects.all()


class FaultCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")

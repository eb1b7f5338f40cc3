from rest_framework import mixins, permissions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import RecordViewSet

from .. import selectors, services
from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "created_at", "read_at"]


class InboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """The signed-in user's in-app notifications (S5.4)."""

    model = Notification
    serializer_class = NotificationSerializer
    selector = selectors.inbox_for

    # Marking one's own notice read changes no business record: auditors and viewers may too
    # (as on the inbox page).
    @action(detail=True, methods=["post"], url_path="read", permission_classes=[permissions.IsAuthenticated])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

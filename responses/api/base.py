"""What the responses API's viewsets and serializers share: the page size, serializer fields built
once, time left on a deadline, ``now`` in the context and ``act`` (call a service on the record and
answer the record)."""

import copy

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response

from core.viewsets import RecordViewSet


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


DEEP_COPIED_FIELDS = (serializers.BaseSerializer, serializers.ManyRelatedField)


class CachedFieldsMixin:
    """Build a ModelSerializer's fields once per class (model introspection is the slow part)."""

    def get_fields(self):
        cls = type(self)
        if "_fields_template" not in cls.__dict__:
            cls._fields_template = super().get_fields()
        # A plain field keeps no state until it is bound, so a shallow copy is enough; DRF's deepcopy
        # re-instantiates every field and cost a third of an order-creation request. Nested
        # serializers and many-related fields hold bound children: those are deep-copied.
        return {
            name: copy.deepcopy(field) if isinstance(field, DEEP_COPIED_FIELDS) else copy.copy(field)
            for name, field in cls._fields_template.items()
        }


class TimeLeftMixin(serializers.Serializer):
    time_left_seconds = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_time_left_seconds(self, obj) -> int | None:
        return None if obj.due_at is None else int((obj.due_at - self.context["now"]).total_seconds())

    def get_overdue(self, obj) -> bool:
        return obj.due_at is not None and obj.due_at < self.context["now"] and self._is_open(obj)

    def _is_open(self, obj) -> bool:
        return True


class NowContextMixin:
    pagination_class: type[BasePagination] | None = Pagination

    def get_serializer_context(self):
        return super().get_serializer_context() | {"now": timezone.now()}

    def act(self, fn, serializer_class=None, **kwargs):
        """Call the service ``fn`` on this record and answer the record as it now is."""
        result = self.perform_action(fn, **kwargs)
        result.refresh_from_db()
        cls = serializer_class or self.get_serializer_class()
        return Response(cls(result, context=self.get_serializer_context()).data)


class ScopedViewSet(NowContextMixin, RecordViewSet):
    """The base of the responses viewsets: core's ``RecordViewSet`` (a record outside the user's scope
    answers 404, like one that does not exist: issue 12 §2) with the pieces above."""

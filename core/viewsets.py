"""The one base viewset of the apps' APIs (issue 12 §4).

A viewset over one kind of record declares, as class attributes, what it is about:

* ``model``: the record's model; its empty queryset is what the OpenAPI generator introspects
  (``swagger_fake_view``: drf-spectacular's schema run has no user, so no selector is called);
* ``selector``: ``selector(user) -> QuerySet``, the records the user may see; a viewset whose
  queryset depends on the request (the action, a query parameter) overrides ``select`` instead;
* ``object_kwarg``: the keyword the app's services take the record by (``order=``, ``ticket=`` …).

``get_object`` finds the record in the selected queryset by ``pk`` (``core.lookups.visible_record``:
404 ``not_found`` alike for a record that does not exist and one outside the user's scope, issue 12
§2); ``perform_action``
calls a service on it as the request's user; ``body`` validates the request's body.

DRF only: this module imports none of our apps (tests/test_structure.py).
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, serializers, viewsets
from rest_framework.filters import OrderingFilter, SearchFilter

from .lookups import visible_record


class RecordViewSet(viewsets.GenericViewSet):
    model: ClassVar[type[Model]]
    selector: ClassVar[Callable[[Any], QuerySet[Any]]]
    object_kwarg: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        model = cls.__dict__.get("model")
        if model is not None:
            # DRF's and django-filter's introspection read ``queryset``: the model's empty one.
            cls.queryset = model._default_manager.none()

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        return self.select(self.request.user)

    def select(self, user: Any) -> QuerySet[Any]:
        """The records ``user`` may see here: the declared selector's."""
        return type(self).selector(user)

    def get_object(self) -> Any:
        """The record of the URL's ``pk`` among those the user may see here (``select``, then the
        filter backends, as DRF's); ``NotFound`` (404) when there is none, however it is outside the
        queryset."""
        lookup = self.lookup_url_kwarg or self.lookup_field
        record = visible_record(self.filter_queryset(self.get_queryset()), self.kwargs.get(lookup))
        self.check_object_permissions(self.request, record)
        return record

    def body(self, serializer_class: type[serializers.Serializer], **kwargs: Any) -> dict[str, Any]:
        """The request's body validated by ``serializer_class`` (a 400 with field errors otherwise)."""
        body = serializer_class(data=self.request.data, **kwargs)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def perform_action(
        self, service: Callable[..., Any], body: type[serializers.Serializer] | None = None, **fields: Any
    ) -> Any:
        """``service(<object_kwarg>=record, by=user, **body, **fields)`` on this record; what it returns.

        The record is looked up first (a 404 before any 400), then ``body`` (if given) validated.
        """
        record = self.get_object()
        if body is not None:
            fields = self.body(body) | fields
        return service(**{self.object_kwarg: record}, by=self.request.user, **fields)


class SearchableViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """A read-only list and detail with ``?search=`` over the viewset's ``search_fields`` (the
    directories a client looks ids up in: departments, customers, business types)."""

    filter_backends = [DjangoFilterBackend, OrderingFilter, SearchFilter]


def signed_in_only(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """``queryset`` for an active, signed-in person; nothing for anyone else."""
    return queryset if user.is_authenticated and user.is_active else queryset.none()

"""Who may see a deadline (issue 13 §6): a person sees a deadline when they may see its subject.

The engine knows no app (tests/test_structure.py), so each app registers, from its
``AppConfig.ready()``, the models its deadlines are about and the app's own visibility function::

    register_subject("order", "responses.Order", selectors.orders_visible_to)

``visible(user)`` returns the records of that model the person may see (a queryset); the deadlines
API filters ``?subject=order:<id>`` by it and lists, without a subject, the deadlines of every
registered subject the person may see. A deadline of an unregistered model is nobody's to see here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet


@dataclass(frozen=True)
class SubjectType:
    name: str
    model_label: str
    visible: Callable[[Any], QuerySet]

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.model_label)

    @property
    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model)


_TYPES: dict[str, SubjectType] = {}


def register_subject(name: str, model_label: str, visible: Callable[[Any], QuerySet]) -> None:
    """Register ``model_label`` ("app.Model") as the deadline subject type ``name``."""
    _TYPES[name] = SubjectType(name, model_label, visible)


def subject_types() -> dict[str, SubjectType]:
    return dict(sorted(_TYPES.items()))


def subject_type_name(content_type_id: int) -> str:
    """The registered name of a content type ('' when it is not registered)."""
    label = ContentType.objects.get_for_id(content_type_id).model_class()
    for subject_type in _TYPES.values():
        if subject_type.model is label:
            return subject_type.name
    return ""


def visible_deadlines(user, queryset: QuerySet) -> QuerySet:
    """The deadlines of ``queryset`` whose subject ``user`` may see (each registered type's rule)."""
    condition = Q(pk__in=[])
    for subject_type in _TYPES.values():
        visible_ids = subject_type.visible(user).order_by().values("pk")
        condition |= Q(content_type=subject_type.content_type, object_id__in=visible_ids)
    return queryset.filter(condition)


def deadlines_of_subjects(queryset: QuerySet, subjects: list[Model]) -> QuerySet:
    """The deadlines of ``queryset`` about any of ``subjects`` (records of one or several models)."""
    by_model: dict[type[Model], list[Any]] = {}
    for subject in subjects:
        by_model.setdefault(type(subject), []).append(subject.pk)
    condition = Q(pk__in=[])
    for model, pks in by_model.items():
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)
    return queryset.filter(condition)

"""Deadlines through the API (issue 13 §6): read-only, filtered by subject, each deadline only for
a person who may see its subject (``sla.subjects``: the apps register who sees what).

``DeadlineSerializer`` is also what an order's detail lists (responses.api.orders). Served and
assessed: ``due_at`` is the served level's due time, ``assessed_due`` the one on- and overtime are
counted against (R1.4/R1.5/R1.7); ``warned_at``/``breached_at`` are when the warning and the breach
fired; ``paused_total`` is in seconds.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers

from core.errors import Invalid
from core.lookups import visible_record
from core.viewsets import RecordViewSet

from ..models import Deadline, DeadlineEvent
from ..subjects import subject_type_name, subject_types, visible_deadlines

ID_VALIDATORS = [MinValueValidator(1), MaxValueValidator(2**63 - 1)]


def _fired_at(deadline: Deadline, kind: str):
    """When the first event of ``kind`` fired (from the prefetched events), or None."""
    times = [event.fired_at for event in deadline.events.all() if event.kind == kind]
    return min(times) if times else None


class DeadlineSerializer(serializers.ModelSerializer):
    subject_type = serializers.SerializerMethodField()
    subject_id = serializers.IntegerField(source="object_id", read_only=True)
    assessed_level = serializers.CharField(read_only=True, help_text="A, B, C or '-'; blank: assessed as served")
    assessed_due = serializers.DateTimeField(
        read_only=True, help_text="assessed_due_at, or due_at when assessed as served"
    )
    warned_at = serializers.SerializerMethodField()
    breached_at = serializers.SerializerMethodField()
    paused_total = serializers.SerializerMethodField()
    assessed_department: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Deadline
        fields = [
            "id",
            "subject_type",
            "subject_id",
            "kind",
            "title",
            "level",
            "assessed_level",
            "state",
            "started_at",
            "due_at",
            "assessed_due",
            "warn_at",
            "warned_at",
            "breached_at",
            "paused_at",
            "paused_total",
            "closed_at",
            "assessed_department",
        ]
        read_only_fields = fields

    def get_subject_type(self, obj) -> str:
        return subject_type_name(obj.content_type_id)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_warned_at(self, obj):
        return serializers.DateTimeField().to_representation(_fired_at(obj, DeadlineEvent.Kind.WARNING))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_breached_at(self, obj):
        return serializers.DateTimeField().to_representation(_fired_at(obj, DeadlineEvent.Kind.BREACH))

    def get_paused_total(self, obj) -> int:
        return int(obj.paused_total.total_seconds())


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField


def _subject_type_choices():
    return [(name, name) for name in subject_types()]


class DeadlineFilter(filters.FilterSet):
    subject = filters.CharFilter(method="by_subject", label="subject as <type>:<id>, e.g. order:12")
    subject_type = filters.ChoiceFilter(choices=_subject_type_choices(), method="by_subject", label="subject type")
    subject_id = IdFilter(method="by_subject", validators=ID_VALIDATORS, label="subject id")
    state = filters.MultipleChoiceFilter(choices=Deadline.State.choices, distinct=False)
    kind = filters.CharFilter()
    department = filters.CharFilter(field_name="assessed_department__code", label="assessed department code")

    class Meta:
        model = Deadline
        fields = ["subject", "subject_type", "subject_id", "state", "kind", "department"]

    def by_subject(self, queryset, name, value):
        return queryset  # all three are read together in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        subject = _subject_of(data.get("subject"), data.get("subject_type"), data.get("subject_id"))
        if subject is None:
            return queryset
        subject_type, pk = subject
        record = visible_record(subject_type.visible(self.request.user), pk)  # 404 when not theirs to see
        return queryset.filter(content_type=subject_type.content_type, object_id=record.pk)


def _subject_of(subject, type_name, pk):
    """(subject type, id) from ``subject=<type>:<id>`` or ``subject_type`` + ``subject_id``; None
    when no subject is asked for; ``Invalid`` (400, naming the field) when it cannot be read."""
    types = subject_types()
    if subject:
        name, _sep, raw_id = subject.partition(":")
        if name not in types:
            raise Invalid(fields={"subject": [_("Unknown subject type: %(name)s.") % {"name": name}]})
        if not raw_id.isascii() or not raw_id.isdigit() or not 0 < int(raw_id) < 2**63:
            raise Invalid(fields={"subject": [_("Write the subject as <type>:<id>, e.g. order:12.")]})
        return types[name], int(raw_id)
    if type_name and pk is None:
        raise Invalid(fields={"subject_id": [_("Give the subject's id with its type.")]})
    if pk is not None and not type_name:
        raise Invalid(fields={"subject_type": [_("Give the subject's type with its id.")]})
    if pk is None:
        return None
    return types[type_name], int(pk)


class DeadlineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """Deadlines (read-only) of the subjects the person may see; ``?subject=order:<id>`` for one."""

    model = Deadline
    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter
    ordering_fields = ["due_at", "started_at"]

    def select(self, user):
        qs = Deadline.objects.select_related("assessed_department").prefetch_related("events")
        return visible_deadlines(user, qs).order_by("due_at", "id")

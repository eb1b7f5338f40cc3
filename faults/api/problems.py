"""System problems (F2.5): /api/v1/problems/ — list, create (with tickets), link, start, close."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.response import Response

from core.viewsets import RecordViewSet

from .. import selectors, services
from ..models import FaultTicket, Problem
from .base import all_departments


class ProblemSerializer(serializers.ModelSerializer):
    ticket_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Problem
        fields = [
            "id",
            "title",
            "description",
            "department",
            "plan",
            "root_cause",
            "fix",
            "conclusion",
            "state",
            "created_at",
            "closed_at",
            "ticket_count",
        ]
        read_only_fields = fields


class FaultLinkSerializer(serializers.Serializer):
    ticket = serializers.PrimaryKeyRelatedField(queryset=FaultTicket.objects.all())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # only tickets the user may see (issue 11); the service re-checks
            self.fields["ticket"].queryset = selectors.tickets_visible_to(user)


class FaultProblemCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    department = serializers.PrimaryKeyRelatedField(queryset=all_departments())
    tickets = serializers.PrimaryKeyRelatedField(queryset=FaultTicket.objects.all(), many=True, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # only tickets the user may see (issue 11); the service re-checks
            self.fields["tickets"].child_relation.queryset = selectors.tickets_visible_to(user)


class FaultPlanSerializer(serializers.Serializer):
    # Required by the service (400 ``plan_required``), so an empty plan is refused with a code.
    plan = serializers.CharField(required=False, allow_blank=True, default="")


class FaultConclusionSerializer(serializers.Serializer):
    # F2.5: both required by the service (400 ``root_cause_and_fix_required``).
    root_cause = serializers.CharField(required=False, allow_blank=True, default="")
    fix = serializers.CharField(required=False, allow_blank=True, default="")
    conclusion = serializers.CharField(required=False, allow_blank=True, default="")


class ProblemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """System problems (F2.5)."""

    model = Problem
    object_kwarg = "problem"
    serializer_class = ProblemSerializer
    filterset_fields = ["state", "department"]
    selector = selectors.problems_visible_to
    filter_backends = [DjangoFilterBackend, OrderingFilter, SearchFilter]
    search_fields = ["title"]

    @extend_schema(request=FaultProblemCreateSerializer, responses={201: ProblemSerializer})
    def create(self, request):
        body = self.body(FaultProblemCreateSerializer, user=request.user)
        problem = services.problem_create(by=request.user, **body)
        return Response(ProblemSerializer(self.get_queryset().get(pk=problem.pk)).data, status=status.HTTP_201_CREATED)

    def _run(self, request, serializer, fn):
        problem = self.get_object()
        body = self.body(serializer, **({"user": request.user} if serializer is FaultLinkSerializer else {}))
        fn(problem=problem, by=request.user, **body)
        return Response(ProblemSerializer(self.get_queryset().get(pk=problem.pk)).data)

    @extend_schema(request=FaultLinkSerializer, responses={200: ProblemSerializer})
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        return self._run(request, FaultLinkSerializer, services.problem_link_ticket)

    @extend_schema(request=FaultPlanSerializer, responses={200: ProblemSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._run(request, FaultPlanSerializer, services.problem_start)

    @extend_schema(request=FaultConclusionSerializer, responses={200: ProblemSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._run(request, FaultConclusionSerializer, services.problem_close)

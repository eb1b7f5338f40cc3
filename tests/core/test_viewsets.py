"""Issue 12 §4: the one base viewset, core.viewsets.RecordViewSet (selector, object lookup and the
schema run declared once), and every app's API built on it."""

import pytest
from django.contrib.auth.models import Group
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.viewsets import GenericViewSet

from config.urls import router
from core.viewsets import RecordViewSet
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
selected_for = []


def my_groups(user):
    selected_for.append(user)
    return Group.objects.filter(name__startswith="mine")


def group_rename(*, group, by, name, suffix):
    group.name = f"{name}{suffix} by {by.username}"
    group.save()
    return group


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class NameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=10)


class GroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    model = Group
    object_kwarg = "group"
    serializer_class = GroupSerializer
    selector = my_groups
    filter_backends: list = []
    pagination_class = None

    @action(detail=True, methods=["post"])
    def rename(self, request, pk=None):
        group = self.perform_action(group_rename, body=NameSerializer, suffix="!")
        return Response(GroupSerializer(group).data)


def call(user, method, path, actions, pk=None, data=None):
    request = getattr(APIRequestFactory(), method)(path, data or {}, format="json")
    force_authenticate(request, user=user)
    kwargs = {"pk": pk} if pk is not None else {}
    return GroupViewSet.as_view(actions)(request, **kwargs)


@pytest.fixture
def user():
    return UserFactory(username="viewset-user")


def test_the_model_gives_the_schema_its_empty_queryset_and_no_selector_runs():
    Group.objects.create(name="mine-1")
    selected_for.clear()
    view = GroupViewSet()
    view.swagger_fake_view = True
    assert GroupViewSet.queryset.model is Group
    assert list(view.get_queryset()) == []
    assert selected_for == []


def test_the_declared_selector_scopes_lists_and_lookups(user):
    mine, other = Group.objects.create(name="mine-1"), Group.objects.create(name="other")
    selected_for.clear()
    listed = call(user, "get", "/", {"get": "list"})
    assert [g["id"] for g in listed.data] == [mine.pk]
    assert selected_for == [user]
    assert call(user, "get", "/", {"get": "retrieve"}, pk=mine.pk).status_code == 200
    hidden = call(user, "get", "/", {"get": "retrieve"}, pk=other.pk)
    assert hidden.status_code == 404
    assert hidden.data["code"] == "not_found"


def test_perform_action_calls_the_service_on_the_record_as_the_user(user):
    mine = Group.objects.create(name="mine-1")
    done = call(user, "post", "/", {"post": "rename"}, pk=mine.pk, data={"name": "mine-2"})
    assert done.status_code == 200
    assert done.data["name"] == "mine-2! by viewset-user"
    mine.refresh_from_db()
    assert mine.name == "mine-2! by viewset-user"


def test_perform_action_looks_the_record_up_before_it_reads_the_body(user):
    mine, other = Group.objects.create(name="mine-1"), Group.objects.create(name="other")
    bad = {"name": "x" * 11}
    assert call(user, "post", "/", {"post": "rename"}, pk=other.pk, data=bad).status_code == 404
    invalid = call(user, "post", "/", {"post": "rename"}, pk=mine.pk, data=bad)
    assert invalid.status_code == 400
    assert invalid.data["code"] == "invalid"
    assert set(invalid.data["fields"]) == {"name"}
    other.refresh_from_db()
    assert other.name == "other"


def test_every_api_viewset_over_records_is_a_record_viewset_and_writes_no_skeleton_of_its_own():
    generic = [viewset for _, viewset, _ in router.registry if issubclass(viewset, GenericViewSet)]
    assert len(generic) >= 20
    for viewset in generic:
        assert issubclass(viewset, RecordViewSet), viewset
        assert viewset.queryset is not None and viewset.queryset.model is viewset.model, viewset
        ours = [cls for cls in viewset.__mro__ if cls.__module__.split(".")[0] != "rest_framework"]
        for cls in ours:
            if cls is not RecordViewSet:
                assert "get_queryset" not in vars(cls), f"{cls.__name__} writes get_queryset again"

"""accounts.access: the page decorator and mixin, and audited role changes in the admin."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from org.access import RoleRequiredMixin, role_required
from org.roles import Role
from sla.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@role_required(Role.IT_OPERATOR, Role.AUDITOR, read_only_ok=False)
def it_page(request):
    return HttpResponse("ok")


class ItView(RoleRequiredMixin, View):
    required_roles = (Role.IT_OPERATOR, Role.AUDITOR)
    read_only_ok = True

    def get(self, request):
        return HttpResponse("ok")

    def post(self, request):
        return HttpResponse("changed")


def _request(user, method="get"):
    request = getattr(RequestFactory(), method)("/x/")
    request.user = user
    return request


def test_role_required_and_mixin(org):
    from django.contrib.auth.models import AnonymousUser

    it = UserFactory(department=org["it"], roles=[Role.IT_OPERATOR])
    auditor = UserFactory(department=org["it"], roles=[Role.AUDITOR])
    member = UserFactory(department=org["nmc"], roles=[Role.BACK_MEMBER])
    assert it_page(_request(it)).status_code == 200
    for user in (auditor, member):
        with pytest.raises(PermissionDenied):
            it_page(_request(user))
    assert it_page(_request(AnonymousUser())).status_code == 302

    view = ItView.as_view()
    assert view(_request(auditor)).status_code == 200  # reads
    with pytest.raises(PermissionDenied):
        view(_request(auditor, "post"))  # but changes nothing
    assert view(_request(it, "post")).content == b"changed"
    with pytest.raises(PermissionDenied):
        view(_request(member))
    assert view(_request(AnonymousUser())).status_code == 302


def test_role_changes_in_the_admin_are_audited(org, client):
    from django.contrib.auth.models import Group

    admin = UserFactory(username="root", department=org["it"], is_staff=True, is_superuser=True)
    target = UserFactory(username="bob", department=org["nmc"], roles=[Role.BACK_MEMBER])
    client.force_login(admin)
    response = client.post(
        f"/admin/org/user/{target.pk}/change/",
        {
            "username": "bob",
            "email": "bob@example.com",
            "is_active": "on",
            "groups": [Group.objects.get(name="back_member").pk, Group.objects.get(name="back_admin").pk],
            "department": org["nmc"].pk,
            "date_joined_0": "2026-11-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_id=target.pk, transition="permissions_changed")
    assert entry.actor == admin and entry.to_state == "back_admin,back_member"

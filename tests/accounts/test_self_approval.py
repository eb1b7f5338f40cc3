"""Issue 11, point 5 (A3.1): nobody approves or carries out a request they filed or that concerns
themselves — page, API and service alike (403, the request unchanged)."""

import pytest
from rest_framework.test import APIClient

from accounts import services
from accounts.models import AccountRequest
from org.models import User
from org.roles import Role
from sla.workflow import TransitionForbidden
from tests.accounts.factories import make_cast
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = AccountRequest.State


@pytest.fixture
def cast(org):
    return make_cast(org)


def _as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _file(by, target, org, dept="nmc", roles=("back_admin",)):
    body = {
        "kind": "permission_change",
        "target_user": target.username,
        "requested_roles": list(roles),
        "requested_department": dept,
        "scope_department": "center",
        "reason": "调整权限",
    }
    created = _as(by).post("/api/v1/account-requests/", body, format="json")
    assert created.status_code == 201, created.content
    return AccountRequest.objects.get(pk=created.json()["id"])


def test_A3_1_a_manager_cannot_approve_his_own_permission_change(org, cast):
    request = _file(cast.manager, cast.manager, org, roles=("back_admin", "leader"))
    r = _as(cast.manager).post(f"/api/v1/account-requests/{request.pk}/manager-approve/")
    assert r.status_code == 403, r.content
    assert AccountRequest.objects.get(pk=request.pk).state == S.SUBMITTED
    with pytest.raises(TransitionForbidden):
        services.account_request_manager_approve(request=request, by=cast.manager)
    # Another manager of the department may.
    deputy = UserFactory(username="mgr2", department=org["nmc"], roles=[Role.DEPT_MANAGER])
    assert services.account_request_manager_approve(request=request, by=deputy).state == S.MANAGER_APPROVED


def test_A3_1_a_manager_cannot_approve_a_request_he_filed_for_someone_else(org, cast):
    request = _file(cast.manager, cast.member, org)
    r = _as(cast.manager).post(f"/api/v1/account-requests/{request.pk}/manager-approve/")
    assert r.status_code == 403, r.content
    assert AccountRequest.objects.get(pk=request.pk).state == S.SUBMITTED


def test_A3_1_the_business_approver_cannot_approve_a_request_about_himself(org, cast):
    # 网络监控中心's member asks that the Center's manager get a role; the Center's manager is the
    # business approver of this platform's scope, but the request concerns him.
    request = _file(cast.member, cast.scope_manager, org, dept="center", roles=("viewer",))
    request = services.account_request_manager_approve(request=request, by=cast.manager)
    r = _as(cast.scope_manager).post(f"/api/v1/account-requests/{request.pk}/business-approve/", {"comment": "同意"})
    assert r.status_code == 403, r.content
    assert AccountRequest.objects.get(pk=request.pk).state == S.MANAGER_APPROVED


def test_A3_1_an_it_operator_cannot_complete_his_own_request(org, cast):
    it_boss = UserFactory(username="itm", department=org["it"], roles=[Role.DEPT_MANAGER])
    request = _file(cast.it, cast.it, org, dept="it", roles=("supervisor",))
    request = services.account_request_manager_approve(request=request, by=it_boss)
    request = services.account_request_business_approve(request=request, by=cast.scope_manager)
    r = _as(cast.it).post(f"/api/v1/account-requests/{request.pk}/complete/")
    assert r.status_code == 403, r.content
    assert AccountRequest.objects.get(pk=request.pk).state == S.APPROVED
    assert not User.objects.get(pk=cast.it.pk).has_role(Role.SUPERVISOR)
    colleague = UserFactory(username="it2", department=org["it"], roles=[Role.IT_OPERATOR])
    assert services.account_request_complete(request=request, by=colleague).state == S.COMPLETED

"""People for the account-request tests: one per approver role, in the organisation of SPEC §0."""

from dataclasses import dataclass

from accounts.models import AccountRequest
from accounts.services import account_request_submit
from org.models import User
from org.roles import Role
from tests.factories import UserFactory


@dataclass
class Cast:
    member: User  # 网络监控中心 back-office member, the requester
    manager: User  # 网络监控中心 department manager
    scope_manager: User  # 客户响应中心 department manager (owns this platform's scope)
    scope_leader: User  # 客户响应中心 leader in charge
    it: User  # IT operator
    auditor: User
    other_manager: User  # 线路维护中心 department manager


def make_cast(org) -> Cast:
    return Cast(
        member=UserFactory(username="m1", department=org["nmc"], roles=[Role.BACK_MEMBER]),
        manager=UserFactory(username="mgr", department=org["nmc"], roles=[Role.DEPT_MANAGER]),
        scope_manager=UserFactory(username="zxm", department=org["center"], roles=[Role.DEPT_MANAGER]),
        scope_leader=UserFactory(username="zxl", department=org["center"], roles=[Role.LEADER]),
        it=UserFactory(username="it1", department=org["it"], roles=[Role.IT_OPERATOR]),
        auditor=UserFactory(username="aud", department=org["it"], roles=[Role.AUDITOR]),
        other_manager=UserFactory(username="xlm", department=org["line"], roles=[Role.DEPT_MANAGER]),
    )


def submit_role_request(cast: Cast, org, roles=(Role.BACK_ADMIN,), **kwargs) -> AccountRequest:
    return account_request_submit(
        by=cast.member,
        kind=AccountRequest.Kind.PERMISSION_CHANGE,
        target_user=cast.member,
        requested_roles=[str(r) for r in roles],
        requested_department=org["nmc"],
        scope_department=org["center"],
        reason="接手监控中心后台管理",
        **kwargs,
    )

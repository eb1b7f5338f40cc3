"""SPEC §0: departments, roles, demo users, Chinese login pages."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from org.defaults import DEPARTMENTS
from org.models import Department, User
from org.roles import Role
from sla.models import EscalationRung, SlaPolicy

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_organisation_roles_limits_and_one_user_per_role(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert Department.objects.count() == len(DEPARTMENTS) == 15
    assert Department.objects.get(code="gov_enterprise").name_zh == "政企客户部"
    assert set(Department.objects.values_list("side", flat=True)) == {"front", "center", "back", "support"}
    for role in Role:
        holders = User.objects.filter(groups__name=role.value)
        assert holders.exists(), role
        assert holders.first().username in out
    assert "Brp-demo-2026" in out
    # R1.3 defaults and the F2.3 ladder are data.
    assert SlaPolicy.objects.get(kind="order-provisioning", level="A").duration.days == 3
    assert list(EscalationRung.objects.values_list("offset", flat=True).order_by("position")) == [
        __import__("datetime").timedelta(minutes=m) for m in (5, 15, 30)
    ]
    # Running it again changes nothing.
    call_command("seed_demo")
    assert User.objects.filter(username="zq_admin").count() == 1
    # B4.2 four eyes: a second IT operator and an IT supervisor (issue 14 §6; the month: tests/billing/test_demo.py)
    it = User.objects.filter(department__code="it")
    operators = set(it.filter(groups__name="it_operator").values_list("username", flat=True))
    assert operators == {"it_operator", "it_operator2"}
    assert list(it.filter(groups__name="supervisor").values_list("username", flat=True)) == ["it_supervisor"]
    assert Department.objects.count() == 15


def test_login_page_is_in_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get(reverse("login")).content.decode()
    assert "Log in" in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_demo_user_logs_in_sees_their_department_and_logs_out(client):
    call_command("seed_demo")
    response = client.post(reverse("login"), {"username": "dispatcher", "password": "Brp-demo-2026"}, follow=True)
    text = response.content.decode()
    assert response.status_code == 200 and "客户响应中心" in text and "dispatcher" in text
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused_with_a_chinese_message(client):
    call_command("seed_demo")
    response = client.post(reverse("login"), {"username": "dispatcher", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


def test_has_role_checks_groups_and_activity():
    call_command("seed_demo")
    user = User.objects.get(username="jk_admin")
    assert user.has_role(Role.BACK_ADMIN) and user.has_role("back_member", Role.LEADER)
    assert not user.has_role(Role.DISPATCHER)
    user.is_active = False
    assert not user.has_role(Role.BACK_ADMIN)

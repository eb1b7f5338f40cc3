"""The organisation of SPEC §0 and the role groups; idempotent."""

from django.db import transaction

from .models import Department
from .roles import ensure_role_groups

S = Department.Side
DEPARTMENTS = [
    # code, English name, Chinese name, side
    ("gov_enterprise", "Government & Enterprise Customers", "政企客户部", S.FRONT),
    ("public", "Public Customers", "公众客户部", S.FRONT),
    ("hotline", "10000 Hotline", "10000号", S.FRONT),
    ("market", "Market Development", "市场拓展部", S.FRONT),
    ("center", "Customer Response Center", "客户响应中心", S.CENTER),
    ("nmc", "Network Monitoring Center", "网络监控中心", S.BACK),
    ("line", "Line Maintenance Center", "线路维护中心", S.BACK),
    ("wireless", "Wireless Equipment Center", "无线设备中心", S.BACK),
    ("netbuild", "Network Construction", "网络建设部", S.BACK),
    ("netmgmt", "Network Management", "网络管理部", S.BACK),
    ("vas", "Value-Added Services Center", "增值业务中心", S.BACK),
    ("it", "IT Management", "IT管理部", S.SUPPORT),
    ("custsvc", "Customer Service", "客户服务部", S.SUPPORT),
    ("office", "General Office", "综合办公室", S.SUPPORT),
    ("legal", "Legal & Security", "法律安保部", S.SUPPORT),
]


@transaction.atomic
def load_organisation() -> dict[str, Department]:
    ensure_role_groups()
    departments = {}
    for code, name, name_zh, side in DEPARTMENTS:
        departments[code], _ = Department.objects.update_or_create(
            code=code, defaults={"name": name, "name_zh": name_zh, "side": side}
        )
    return departments


# Approvers of account requests for this platform (A3.1): the Center owns the
# platform's permission scope, so its manager approves and its leader decides escalations.
DEMO_APPROVERS = [
    ("zx_manager", "客户响应中心部门经理", "center", "dept_manager"),
    ("zx_leader", "客户响应中心分管领导", "center", "leader"),
]


def load_demo(stdout=None) -> None:
    """Demo approvers for account requests (called by ``manage.py seed_demo``); idempotent."""
    from django.contrib.auth.models import Group

    from accounts.management.commands.seed_demo import DEMO_PASSWORD

    from .models import User

    for username, name, dept, role in DEMO_APPROVERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": name,
                "department": Department.objects.get(code=dept),
                "email": f"{username}@example.com",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        if stdout is not None:
            department = user.department.name_zh if user.department else ""
            stdout.write(f"  {username:<14} {department:<10} {role} (account requests)")

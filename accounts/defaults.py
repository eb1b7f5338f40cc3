"""Demo approvers of account requests (A3.1); idempotent."""

from org.models import Department

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
    from org.models import User

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

"""Load the organisation, default limits and one demo user per role; print the logins."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from org.defaults import load_organisation
from org.models import User
from org.roles import Role, ensure_role_groups
from sla.defaults import load_sla_defaults

DEMO_PASSWORD = "Brp-demo-2026"
DEMO_APPS = ["billing", "responses", "faults", "accounts"]

# username, display name, department code, roles
DEMO_USERS = [
    ("zq_admin", "政企业务响应管理员", "gov_enterprise", [Role.FRONT_ADMIN]),
    ("zq_director", "政企客户部主任", "gov_enterprise", [Role.LEADER]),
    ("gz_admin", "公众业务响应管理员", "public", [Role.FRONT_ADMIN]),
    ("dispatcher", "中心定单管理员", "center", [Role.DISPATCHER]),
    ("jk_member", "监控中心维护员", "nmc", [Role.BACK_MEMBER]),
    ("jk_admin", "监控中心管理员", "nmc", [Role.BACK_ADMIN, Role.BACK_MEMBER]),
    ("jk_supervisor", "监控中心主管", "nmc", [Role.SUPERVISOR]),
    ("jk_manager", "监控中心部门经理", "nmc", [Role.DEPT_MANAGER]),
    ("jk_leader", "网络分管领导", "nmc", [Role.LEADER]),
    ("xl_admin", "线路中心管理员", "line", [Role.BACK_ADMIN, Role.BACK_MEMBER]),
    ("viewer", "中心经理", "center", [Role.VIEWER]),
    ("it_operator", "IT运维员", "it", [Role.IT_OPERATOR]),
    ("auditor", "审计员", "it", [Role.AUDITOR]),
    # Four eyes (B4.2): a second IT operator verifies a run the first checked; the IT supervisor publishes.
    ("it_operator2", "IT运维员二", "it", [Role.IT_OPERATOR]),
    ("it_supervisor", "IT管理部主管", "it", [Role.SUPERVISOR]),
]
# Demo steps that need every app's demo data first: billing's month bills the circuits the order
# history confirmed. Each is <app>.defaults.<function>(stdout, options).
DEMO_LATE_STEPS = [("billing", "load_demo_month")]
BILL_RUN_CHOICES = ["published", "scheduled"]


class Command(BaseCommand):
    help = "Load departments, roles, default SLA limits, demo users and demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bill-run",
            choices=BILL_RUN_CHOICES,
            default="published",
            help="Last month's bill and settlement runs: published (default), or left scheduled as the "
            "calendar leaves them at 00:00 on the 1st, to be taken through by hand.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        departments = load_organisation()
        load_sla_defaults()
        groups = ensure_role_groups()
        self._create_users(departments, groups)
        # Each business app may ship demo data as <app>.defaults.load_demo(stdout).
        for app in DEMO_APPS:
            module = self._defaults(app)
            if hasattr(module, "load_demo"):
                module.load_demo(self.stdout)
        for app, function in DEMO_LATE_STEPS:
            module = self._defaults(app)
            if hasattr(module, function):
                getattr(module, function)(self.stdout, {"bill_run": options["bill_run"]})

    @staticmethod
    def _defaults(app):
        try:
            return import_module(f"{app}.defaults")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.defaults":
                raise
            return None

    def _create_users(self, departments, groups):
        rows = []
        for username, name, dept, roles in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": name,
                    "department": departments[dept],
                    "email": f"{username}@example.com",
                    "phone": f"1380000{len(rows):04d}",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.set([groups[r.value] for r in roles])
            rows.append((username, ", ".join(str(r.label) for r in roles), departments[dept].name_zh))
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD, department=departments["it"])
        rows.append(("admin", "superuser (/admin/)", departments["it"].name_zh))

        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, roles, dept in rows:
            self.stdout.write(f"  {username:<14} {dept:<10} {roles}")

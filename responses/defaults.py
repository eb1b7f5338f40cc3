"""Business-type catalogue, key areas (R1.1, R1.21) and a few demo orders; idempotent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import BusinessType, KeyArea, Order

# code, name, key, needs attachment, needs agreement, expansion, residential wiring, decommission, system integration
CATALOGUE = [
    ("data-line", "数据专线", True, False, True, False, False, False, False),
    ("svn", "交换虚拟网", False, False, True, False, False, False, False),
    ("30bd", "30B+D", True, True, True, False, False, False, False),
    ("hotel", "酒店系统", False, True, False, False, False, False, False),
    ("transform", "改造业务", False, False, True, False, False, False, False),
    ("enterprise-lan", "企业局域网/综合布线", False, False, True, False, False, False, False),
    ("expansion", "扩容", False, False, False, True, False, False, False),
    ("residential-wiring", "住宅布线", False, False, False, False, True, False, False),
    ("decommission", "退网", False, False, False, False, False, True, False),
    ("system-integration", "系统集成", False, False, True, False, False, False, True),
    ("phone", "普通电话", False, False, False, False, False, False, False),
    ("broadband", "宽带接入", False, False, False, False, False, False, False),
]
KEY_AREAS = ["金融街", "市政府", "高新区"]


@transaction.atomic
def load_catalogue() -> dict[str, BusinessType]:
    types = {}
    for code, name, key, attach, agree, exp, resi, decom, si in CATALOGUE:
        types[code], _ = BusinessType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "is_key": key,
                "needs_attachment": attach,
                "needs_agreement": agree,
                "is_expansion": exp,
                "is_residential_wiring": resi,
                "is_decommission": decom,
                "is_system_integration": si,
            },
        )
    for name in KEY_AREAS:
        KeyArea.objects.get_or_create(name=name)
    return types


def load_demo(stdout=None) -> None:
    from billing.models import Customer
    from org.models import User

    from . import services

    types = load_catalogue()
    if Order.objects.exists():
        return
    zq_admin = User.objects.filter(username="zq_admin").first()
    if zq_admin is None:
        return
    bank, _ = Customer.objects.get_or_create(
        code="C-DEMO-001", defaults={"name": "华夏银行金融街支行", "is_key": True, "contact_person": "王经理"}
    )
    school, _ = Customer.objects.get_or_create(code="C-DEMO-002", defaults={"name": "第一中学"})
    now = timezone.now()
    with transaction.atomic():
        services.order_create(
            by=zq_admin,
            data={
                "customer": school,
                "business_type": types["broadband"],
                "quantity": 2,
                "level": "C",
                "location": "城南路 8 号",
                "contact_person": "李老师",
                "contact_phone": "13800000002",
                "description": "两条宽带",
            },
        )
        order = services.order_create(
            by=zq_admin,
            data={
                "customer": bank,
                "business_type": types["data-line"],
                "quantity": 1,
                "interface_requirements": "FE 电口",
                "level": "B",
                "location": "金融街 1 号",
                "contact_person": "王经理",
                "contact_phone": "13800000001",
                "requested_completion_at": now + timedelta(days=4),
                "agreement_ref": "YZ-2026-0001",
                "is_restricted_site": True,
                "description": "银行营业网点数据专线",
            },
        )
        services.order_submit(order=order, by=zq_admin)
    if stdout:
        stdout.write("responses: business types and 2 demo orders")
    load_demo_history(stdout)


def load_demo_history(stdout=None) -> None:
    """Last month's worked orders, so the monthly report (R1.22), the dashboard's on-time trend and the
    order timelines have something to show in a fresh demo. Every step goes through the services;
    the clock is set to each moment with time-machine (installed with the requirements), so deadlines
    and the audit trail carry last month's times. Skipped when last month already has orders."""
    try:
        import time_machine
    except ImportError:  # pragma: no cover - the requirements install it
        return
    from datetime import datetime, time

    from billing.models import Customer
    from org.models import Department, User

    from . import services

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_HISTORY_USERS)}
    if len(users) < len(DEMO_HISTORY_USERS):
        return
    first = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    if Order.objects.filter(submitted_at__gte=start, submitted_at__lt=start + timedelta(days=28)).exists():
        return
    types = load_catalogue()
    departments = {d.code: d for d in Department.objects.filter(code__in=["nmc", "line"])}
    customers = [
        Customer.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (
            ("C-DEMO-003", "市第二人民医院"),
            ("C-DEMO-004", "开发区管委会"),
            ("C-DEMO-005", "城东物流园"),
        )
    ]

    def at(day, hour, minute=0):
        return time_machine.travel(start + timedelta(days=day - 1, hours=hour, minutes=minute), tick=False)

    def worked(customer, level, business_type, day, steps, *, sign=True, late_step=None):
        """One order from submission to confirmation; ``late_step`` (a position) is returned a day late."""
        front = users["zq_admin"]
        data = {
            "customer": customer,
            "business_type": types[business_type],
            "level": level,
            "location": "城东大道 18 号",
            "contact_person": "张主任",
            "contact_phone": "13800000003",
            "agreement_ref": "YZ-DEMO",
            "description": "演示：上月已完成的定单",
        }
        with at(day, 9):
            order = services.order_submit(order=services.order_create(by=front, data=data), by=front)
            if level == "A" and sign:
                order = services.order_sign(order=order, by=users["zq_director"])
        with at(day, 10):
            order = services.order_accept(order=order, by=users["dispatcher"])
            order = services.order_dispatch(
                order=order, by=users["dispatcher"], steps=[(departments[code], title) for code, title in steps]
            )
        moment = start + timedelta(days=day - 1, hours=11)
        for step in order.steps.order_by("position"):
            member = users["jk_member"] if step.department.code == "nmc" else users["xl_admin"]
            step.refresh_from_db()
            with time_machine.travel(moment, tick=False):
                services.step_accept(step=step, by=member)
            done = step.due_at - timedelta(hours=3)
            if step.position == late_step:
                done = step.due_at + timedelta(hours=26)
            with time_machine.travel(done + timedelta(minutes=30), tick=False):
                services.step_return(step=step, by=member, finished_at=done)
            moment = done + timedelta(hours=1)
        with time_machine.travel(moment + timedelta(hours=2), tick=False):
            order.refresh_from_db()
            services.order_confirm(order=order, by=front)

    cust1, cust2, cust3 = customers
    worked(cust1, "B", "data-line", 3, [("nmc", "端口分配与数据制作"), ("line", "光缆接入")], late_step=2)
    worked(cust2, "A", "data-line", 6, [("nmc", "电路开通")], sign=False)  # unsigned A: assessed on B (R1.5)
    worked(cust3, "C", "broadband", 9, [("line", "宽带入户")])
    worked(cust1, "A", "svn", 12, [("nmc", "虚拟网数据制作"), ("line", "跳纤")])
    worked(cust3, "B", "phone", 15, [("line", "电话装机")], late_step=1)
    if stdout:
        stdout.write(f"responses: 5 worked orders of {first:%Y-%m} for the monthly report")


DEMO_HISTORY_USERS = ["zq_admin", "zq_director", "dispatcher", "jk_member", "xl_admin"]

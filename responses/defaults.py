"""Business-type catalogue, key areas (R1.1, R1.21) and a few demo orders; idempotent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import BusinessType, KeyArea, Order

# R1.1, R1.14, R1.20, R1.21: the business-type catalogue. Each entry: code, name and its flags (key
# business, needs an attachment / the signed agreement / the interconnection notice, capacity
# expansion, residential wiring, decommission, system integration, fibre lease). Seed 000 §一 names
# the key businesses: every transformation, new, data and transmission business, such as system
# integration, video surveillance (incl. 全球眼), IOA, IDC, hosting, cabling, VPN, digital and data
# circuits, fibre lease, dual-route fibre protection, enterprise switchboards and special numbers.
KEY = "is_key"
CATALOGUE: list[tuple[str, str, tuple[str, ...]]] = [
    ("data-line", "数据专线", (KEY, "needs_agreement")),
    ("digital-circuit", "数字和数据电路", (KEY, "needs_agreement")),
    ("svn", "交换虚拟网", ("needs_agreement",)),
    ("30bd", "30B+D", (KEY, "needs_attachment", "needs_agreement")),
    ("hotel", "酒店系统", ("needs_attachment",)),
    ("transform", "转型业务", (KEY, "needs_agreement")),
    ("enterprise-lan", "单位局域网/驻地网", ("needs_agreement",)),
    ("cabling", "综合布线", (KEY, "needs_agreement")),
    ("system-integration", "系统集成", (KEY, "needs_agreement", "is_system_integration")),
    ("video-surveillance", "视频监控（含全球眼）", (KEY, "needs_agreement")),
    ("ioa", "IOA", (KEY, "needs_agreement")),
    ("idc", "IDC", (KEY, "needs_agreement")),
    ("hosting", "主机托管", (KEY, "needs_agreement")),
    ("vpn", "VPN", (KEY, "needs_agreement")),
    ("fibre-lease", "光纤出租", (KEY, "is_fibre_lease")),
    ("fibre-dual-route", "光纤双路由保护", (KEY, "is_fibre_lease")),
    ("pbx", "企业总机", (KEY,)),
    ("special-number", "特呼号", (KEY,)),
    ("interconnect", "交换传输互联互通", ("needs_interconnection_notice",)),
    ("expansion", "扩容", ("is_expansion",)),
    ("residential-wiring", "住宅布线", ("is_residential_wiring",)),
    ("decommission", "退网", ("is_decommission",)),
    ("circuit-change", "业务变更", ("is_change",)),
    ("phone", "普通电话", ()),
    ("broadband", "宽带接入", ()),
]
FLAGS = (
    KEY,
    "needs_attachment",
    "needs_agreement",
    "needs_interconnection_notice",
    "is_expansion",
    "is_residential_wiring",
    "is_decommission",
    "is_change",
    "is_system_integration",
    "is_fibre_lease",
)
# R1.21: key areas (seed 000 §一: industrial development zones and key competitive areas); an order
# whose location contains one is flagged.
KEY_AREAS = ["工业开发区", "金融街", "市政府", "高新区"]
# R1.21: the 24 key customers of seed 000 §一, as the seed names them.
KEY_CUSTOMERS = [
    "新钢公司",
    "LDK太阳能公司",
    "市邮政局",
    "市公安局（含交警）",
    "中行",
    "人行",
    "建行",
    "交行",
    "工行",
    "农行",
    "农业发展银行",
    "农业合作银行",
    "市烟草公司",
    "中国人民保险公司",
    "太平洋保险公司",
    "市国税局（含区国税局）",
    "海通证券",
    "市人民医院",
    "市教育局（含高专、渝工学院、赣西学院）",
    "赣西供电公司（含区供电公司）",
    "新余发电厂",
    "新华公司",
    "北湖宾馆",
    "春龙宾馆",
]


@transaction.atomic
def load_catalogue() -> dict[str, BusinessType]:
    """The catalogue and the key areas; a type already there keeps what the admin set."""
    types = {}
    for code, name, flags in CATALOGUE:
        types[code], _ = BusinessType.objects.get_or_create(
            code=code, defaults={"name": name, **{flag: flag in flags for flag in FLAGS}}
        )
    for name in KEY_AREAS:
        KeyArea.objects.get_or_create(name=name)
    return types


@transaction.atomic
def load_key_customers() -> list:
    """R1.21: the seed's 24 key customers (codes KC-01 … KC-24); a customer already there by name is
    flagged key. Idempotent."""
    from billing.models import Customer

    customers = []
    for n, name in enumerate(KEY_CUSTOMERS, start=1):
        customer = Customer.objects.filter(name=name).first()
        if customer is None:
            customer, _ = Customer.objects.get_or_create(code=f"KC-{n:02d}", defaults={"name": name, "is_key": True})
        if not customer.is_key:
            Customer.objects.filter(pk=customer.pk).update(is_key=True)
            customer.is_key = True
        customers.append(customer)
    return customers


def load_demo(stdout=None) -> None:
    from billing.models import Customer
    from org.models import User

    from . import services

    types = load_catalogue()
    load_key_customers()
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
                **dict.fromkeys(services.AGREEMENT_CLAUSES, True),
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
            **dict.fromkeys(services.AGREEMENT_CLAUSES, True),
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

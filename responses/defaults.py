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
    from accounts.models import User
    from billing.models import Customer

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

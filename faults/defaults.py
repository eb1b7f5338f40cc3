"""Demo data of the faults app: internal systems, a few tickets, an event and complaints (idempotent)."""

from datetime import timedelta

from django.utils import timezone

from billing.models import Service
from org.models import Department, User

from .models import Complaint, FaultTicket, InternalSystem, QualityEvent

SYSTEMS = [
    # code, name, level, handling department
    ("billing-sys", "计费系统", "A", "it"),
    ("crm", "客户关系管理系统(CRM)", "B", "it"),
    ("ivr-10000", "10000号语音导航", "B", "it"),
    ("nms", "网管系统", "B", "nmc"),
]


def load_demo(stdout=None):
    from . import services

    departments = {d.code: d for d in Department.objects.all()}
    for code, name, level, dept in SYSTEMS:
        InternalSystem.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "department": departments[dept]}
        )
    if FaultTicket.objects.exists():
        return
    reporter = User.objects.filter(username="zq_admin").first()
    it_operator = User.objects.filter(username="it_operator").first()
    circuit = Service.objects.filter(code="DDN-0001").first()
    if reporter is None or it_operator is None or circuit is None:
        return
    now = timezone.now()
    services.fault_report(
        by=reporter,
        title="工商银行专线中断",
        description="客户反映 2M 数字电路中断,网点无法联网。",
        category="line",
        service=circuit,
        handling_department=departments["nmc"],
        phone_reported_at=now - timedelta(minutes=2),
    )
    services.fault_report(
        by=it_operator,
        title="计费系统出账缓慢",
        description="月末出账批处理响应缓慢。",
        category="application",
        system=InternalSystem.objects.get(code="billing-sys"),
    )
    services.event_create(
        by=reporter,
        title="部分地市 4G 信号投诉集中",
        category="network",
        source="complaints",
        business_department=departments["public"],
        cities=3,
        customers=8_000,
    )
    if not Complaint.objects.exists() and QualityEvent.objects.exists():
        services.complaint_receive(
            by=reporter,
            customer_name="周先生",
            customer_phone="13700000009",
            category="network",
            content="家中信号差,多次报修未解决。",
            department=departments["nmc"],
        )
    if stdout:
        stdout.write("faults: demo systems, tickets, an event and a complaint loaded")

"""Demo customers and circuits (idempotent)."""

from datetime import date
from decimal import Decimal

from .models import Customer, Partner, Product, Service

CUSTOMERS = [
    # code, name, key customer, contact, phone, address
    ("C0001", "省工商银行", True, "王经理", "13900000001", "人民路1号"),
    ("C0002", "市公安局", True, "李科长", "13900000002", "解放路8号"),
    ("C0003", "海天酒店", False, "赵总", "13900000003", "滨江大道66号"),
    ("C0004", "新城小区物业", False, "陈主任", "13900000004", "新城路18号"),
]
SERVICES = [
    # code, customer, product, level, monthly fee, one-time fee
    ("DDN-0001", "C0001", "数字电路 2M", "A", Decimal("1800.00"), Decimal("500.00")),
    ("MSTP-0002", "C0002", "MSTP 专线 100M", "A", Decimal("6800.00"), Decimal("2000.00")),
    ("FTTB-0003", "C0003", "酒店宽带 FTTB", "B", Decimal("1200.00"), Decimal("300.00")),
]


# Tariffs of the business types of responses/defaults.py (B4.1), and two partners (B4.3).
PRODUCTS = [
    ("data-line", "数据专线", "1800.00", "500.00"),
    ("svn", "交换虚拟网", "300.00", "0.00"),
    ("30bd", "30B+D", "2400.00", "1000.00"),
    ("hotel", "酒店系统", "1500.00", "3000.00"),
    ("enterprise-lan", "企业局域网/综合布线", "800.00", "5000.00"),
    ("phone", "普通电话", "25.00", "100.00"),
    ("broadband", "宽带接入", "120.00", "200.00"),
]
PARTNERS = [("AG-001", "城东代理", "agent", "0.0800"), ("CP-001", "影视内容商", "cp", "0.1250")]


def load_demo(stdout=None):
    for code, name, monthly, once in PRODUCTS:
        Product.objects.get_or_create(
            code=code, defaults={"name": name, "monthly_fee": Decimal(monthly), "one_time_fee": Decimal(once)}
        )
    for code, name, kind, rate in PARTNERS:
        Partner.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "rate": Decimal(rate)})
    customers = {}
    for code, name, is_key, contact, phone, address in CUSTOMERS:
        customers[code], _ = Customer.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "is_key": is_key,
                "contact_person": contact,
                "contact_phone": phone,
                "address": address,
            },
        )
    for code, customer, product, level, monthly, once in SERVICES:
        Service.objects.get_or_create(
            code=code,
            defaults={
                "customer": customers[customer], "product": product, "level": level, "monthly_fee": monthly,
                "one_time_fee": once, "state": Service.State.ACTIVE, "activated_on": date(2026, 1, 1),
            },
        )  # fmt: skip


def load_demo_month(stdout=None, options=None):
    """The demo's runs, invoices, statements and arrears (billing/demo.py); after every app's demo data."""
    from .demo import load_demo_month as load

    load(stdout, options)

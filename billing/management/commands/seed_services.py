"""Generate customers and active services (circuits) in volume, for benches."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from billing.models import Customer, Service

PRODUCTS = [
    ("数字电路 2M", "1800.00"),
    ("MSTP 专线 100M", "6800.00"),
    ("互联网专线 50M", "3500.00"),
    ("FTTB 宽带", "1200.00"),
]


class Command(BaseCommand):
    help = "Create --services active services for --customers customers (prefix BENCH- unless --prefix)."

    def add_arguments(self, parser):
        parser.add_argument("--services", type=int, default=100_000)
        parser.add_argument("--customers", type=int, default=None, help="default: one customer per service")
        parser.add_argument("--prefix", default="BENCH")
        parser.add_argument("--seed", type=int, default=2026)

    @transaction.atomic
    def handle(self, *args, services, customers, prefix, seed, **options):
        rng = random.Random(seed)
        customers = customers or services
        Customer.objects.bulk_create(
            [
                Customer(code=f"{prefix}-C{i:07d}", name=f"{prefix} 客户 {i}", is_key=i % 20 == 0)
                for i in range(customers)
            ],
            batch_size=5000,
        )
        ids = list(Customer.objects.filter(code__startswith=f"{prefix}-C").order_by("pk").values_list("pk", flat=True))
        rows = []
        for i in range(services):
            product, fee = PRODUCTS[i % len(PRODUCTS)]
            # Active in October 2026: some start mid-October, 5% end during or after it.
            activated = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 669))
            ended = date(2026, 10, 1) + timedelta(days=rng.randrange(0, 60)) if rng.random() < 0.05 else None
            rows.append(
                Service(
                    code=f"{prefix}-S{i:07d}", customer_id=ids[i % len(ids)], product=product, level="ABC"[i % 3],
                    monthly_fee=Decimal(fee), one_time_fee=Decimal("300.00"), state="active",
                    activated_on=activated, ended_on=ended,
                )
            )  # fmt: skip
        Service.objects.bulk_create(rows, batch_size=5000)
        self.stdout.write(f"created {customers} customers and {services} services ({prefix})")

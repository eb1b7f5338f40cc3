"""Services from orders (B4.1): a confirmed order opens, changes or ends a circuit's service."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import Product, Service


def service_from_confirmed_order(*, order, at: datetime | None = None) -> Service | None:
    """B4.1: a confirmed provisioning order creates (or changes) its customer service with the
    product's fees and the order's level, active from the confirmation date; a confirmed
    decommission order ends the service it names. Idempotent for the same order."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    business_type = order.business_type
    with transaction.atomic():
        if business_type.is_decommission:
            if order.service_id is None:
                return None
            service = Service.objects.select_for_update().get(pk=order.service_id)
            if service.state != Service.State.ENDED:
                service.state, service.ended_on = Service.State.ENDED, day
                service.save(update_fields=["state", "ended_on"])
            return service
        product = Product.objects.filter(code=business_type.code).first()
        fees = {
            "product": product.name if product else business_type.name,
            "monthly_fee": product.monthly_fee if product else Decimal("0.00"),
            "one_time_fee": product.one_time_fee if product else Decimal("0.00"),
            "level": order.level,
        }
        if order.service_id is None:
            service, _created = Service.objects.get_or_create(
                code=f"SVC-{order.number}",
                defaults={"customer_id": order.customer_id, "state": Service.State.ACTIVE, "activated_on": day, **fees},
            )
            type(order).objects.filter(pk=order.pk).update(service=service)
            order.service = service
        else:
            service = Service.objects.select_for_update().get(pk=order.service_id)
            for field, value in fees.items():
                setattr(service, field, value)
            service.save(update_fields=list(fees))
    return service

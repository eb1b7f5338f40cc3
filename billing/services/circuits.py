"""Services from orders (B4.1, issue 14 §1): a confirmed order opens, changes or ends a circuit's
service, and each step is written to the circuit's history (``ServiceChange``)."""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import Product, Service, ServiceChange


def _record(service: Service, kind: str, day: date, order, previous: tuple[str, Decimal] | None = None) -> None:
    """One history row per (service, order, kind): confirming twice records once."""
    ServiceChange.objects.get_or_create(
        service=service,
        order_id=order.pk,
        kind=kind,
        defaults={
            "on": day,
            "order_number": order.number or "",
            "product": service.product,
            "monthly_fee": service.monthly_fee,
            "level": service.level,
            "previous_product": previous[0] if previous else "",
            "previous_monthly_fee": previous[1] if previous else None,
        },
    )


def _end(order, day: date) -> Service | None:
    if order.service_id is None:
        return None
    service = Service.objects.select_for_update().get(pk=order.service_id)
    if service.state != Service.State.ENDED:
        service.state, service.ended_on = Service.State.ENDED, day
        service.save(update_fields=["state", "ended_on"])
        _record(service, ServiceChange.Kind.ENDED, day, order)
    return service


def _change(order, day: date, fees: dict) -> Service:
    service = Service.objects.select_for_update().get(pk=order.service_id)
    done = ServiceChange.objects.filter(service=service, order_id=order.pk, kind=ServiceChange.Kind.CHANGED)
    if service.state == Service.State.ENDED or done.exists():
        return service  # an ended circuit is not changed; a change is applied once
    previous = (service.product, service.monthly_fee)
    for field, value in fees.items():
        setattr(service, field, value)
    service.save(update_fields=list(fees))
    _record(service, ServiceChange.Kind.CHANGED, day, order, previous)
    return service


def _fees_of(product: Product | None, fallback_name: str, level: str) -> dict:
    return {
        "product": product.name if product else fallback_name,
        "monthly_fee": product.monthly_fee if product else Decimal("0.00"),
        "one_time_fee": product.one_time_fee if product else Decimal("0.00"),
        "level": level,
    }


def service_from_confirmed_order(*, order, at: datetime | None = None) -> Service | None:
    """B4.1: a confirmed provisioning order creates (or changes) its customer service with the
    product's fees and the order's level, active from the confirmation date; a confirmed change
    order (``is_change``) sets the circuit it names to the order's level and, when the order names
    one, its new product's monthly fee (the one-time fee of the activation stays); a confirmed
    decommission order ends the service it names that day. Each step is recorded in the circuit's
    history, effective on the confirmation day. Idempotent for the same order."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    business_type = order.business_type
    with transaction.atomic():
        if business_type.is_decommission:
            return _end(order, day)
        if getattr(business_type, "is_change", False):
            if order.service_id is None:
                return None  # the order service refuses such an order before it is submitted
            fees: dict = {"level": order.level}
            product = Product.objects.filter(pk=order.new_product_id).first() if order.new_product_id else None
            if product is not None:
                fees |= {"product": product.name, "monthly_fee": product.monthly_fee}
            return _change(order, day, fees)
        product = Product.objects.filter(code=business_type.code).first()
        fees = _fees_of(product, business_type.name, order.level)
        if order.service_id is not None:
            return _change(order, day, fees)
        service, created = Service.objects.get_or_create(
            code=f"SVC-{order.number}",
            defaults={"customer_id": order.customer_id, "state": Service.State.ACTIVE, "activated_on": day, **fees},
        )
        type(order).objects.filter(pk=order.pk).update(service=service)
        order.service = service
        if created:
            _record(service, ServiceChange.Kind.ACTIVATED, day, order)
    return service

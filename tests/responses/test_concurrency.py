"""Two people act on one order at the same moment: one wins, the other gets a conflict (never a lost
update). Real threads on real connections; PostgreSQL row locks (skipped on SQLite)."""

import threading

import pytest
from django.db import connection

from responses import services
from responses.models import Order
from sla.models import AuditEntry
from sla.workflow import TransitionConflict

from .factories import make_order

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            fn()
            results[i] = "ok"
        except TransitionConflict:
            results[i] = "conflict"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            results[i] = repr(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(results)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_accept_and_return_for_clarification_at_once_one_wins(people, cat):
    for _ in range(3):
        order = services.order_submit(order=make_order(people["zq_admin"], cat["phone"]), by=people["zq_admin"])
        stale = Order.objects.get(pk=order.pk)
        results = race(
            lambda o=stale: services.order_accept(order=o, by=people["dispatcher"]),
            lambda o=stale: services.order_cancel(order=o, by=people["zq_admin"]),
        )
        assert results == ["conflict", "ok"], results
        final = Order.objects.get(pk=order.pk)
        assert final.state in (Order.State.ACCEPTED, Order.State.CANCELLED)
        transitions = set(AuditEntry.objects.filter(object_id=order.pk).values_list("transition", flat=True))
        assert len(transitions & {"accept", "cancel"}) == 1  # exactly one recorded, no lost update

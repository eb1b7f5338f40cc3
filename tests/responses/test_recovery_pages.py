"""R1.16 recovery ledger pages: the department working a decommission records recovered equipment;
the Center checks the ledger quarterly (a quarter at once or entry by entry)."""

import pytest
from django.test import Client

from responses import services
from responses.models import RecoveryEntry
from tests.pages import refused_inline

from .factories import make_order

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def decommission(people, cat, org):
    order = services.order_submit(order=make_order(people["zq_admin"], cat["decommission"]), by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    return services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["line"], "拆机回收")])


ENTRY = {
    "recovered_at": "2026-11-10T10:00",
    "person": "赵工",
    "equipment_name": "光猫",
    "model": "HG8245",
    "quantity": 2,
    "condition": "完好",
    "intended_use": "库存",
}


def test_r1_16_record_from_the_order_and_check_the_quarter(people, cat, org):
    order = decommission(people, cat, org)
    xl = client_for(people["xl_admin"])
    assert f"/orders/recovery/order/{order.pk}/" in xl.get(f"/orders/{order.pk}/").content.decode()
    r = xl.post(f"/orders/recovery/order/{order.pk}/", ENTRY)
    assert r.status_code == 302 and r["Location"] == f"/orders/{order.pk}/"
    entry = RecoveryEntry.objects.get()
    assert entry.person == "赵工" and entry.quantity == 2
    assert "HG8245" in xl.get("/orders/recovery/").content.decode()
    center = client_for(people["dispatcher"])
    assert "HG8245" in center.get("/orders/recovery/?checked=0").content.decode()
    assert center.post("/orders/recovery/", {"year": 2026, "quarter": 4}).status_code == 302
    entry.refresh_from_db()
    assert entry.checked_at is not None
    assert "HG8245" not in center.get("/orders/recovery/?checked=0").content.decode()


def test_r1_16_missing_fields_are_named_in_chinese(people, cat, org):
    order = decommission(people, cat, org)
    r = client_for(people["xl_admin"]).post(f"/orders/recovery/order/{order.pk}/", ENTRY | {"model": ""})
    assert r.status_code == 200 and 'data-testid="error-model"' in r.content.decode() and "必填" in r.content.decode()
    assert RecoveryEntry.objects.count() == 0


def test_r1_16_wrong_person_403_and_checked_twice_409(people, cat, org):
    order = decommission(people, cat, org)
    assert client_for(people["jk_member"]).post(f"/orders/recovery/order/{order.pk}/", ENTRY).status_code == 404
    assert client_for(people["xl_admin"]).post("/orders/recovery/", {"year": 2026, "quarter": 4}).status_code == 403
    assert client_for(people["viewer"]).post("/orders/recovery/", {"year": 2026, "quarter": 4}).status_code == 403
    client_for(people["xl_admin"]).post(f"/orders/recovery/order/{order.pk}/", ENTRY)
    entry = RecoveryEntry.objects.get()
    assert client_for(people["xl_admin"]).post(f"/orders/recovery/{entry.pk}/check/").status_code == 403
    center = client_for(people["dispatcher"])
    assert center.post(f"/orders/recovery/{entry.pk}/check/").status_code == 302
    # Checked already: refused (409) with the reason, back on the ledger.
    assert refused_inline(center, f"/orders/recovery/{entry.pk}/check/", back_to="/orders/recovery/")


def test_r1_16_ledger_uses_a_fixed_number_of_queries(people, cat, org, django_assert_max_num_queries):
    order = decommission(people, cat, org)
    fields = {**ENTRY, "recovered_at": order.submitted_at}

    def add(n):
        for _ in range(n):
            services.recovery_record(order=order, by=people["xl_admin"], **fields)

    add(1)
    pages = (("/orders/recovery/", "dispatcher"), ("/orders/recovery/", "xl_admin"))
    for url, user in pages:
        c = client_for(people[user])
        c.get("/")
        with django_assert_max_num_queries(15) as q:
            assert c.get(url).status_code == 200
        first = len(q.captured_queries)
        add(5)
        with django_assert_max_num_queries(first):
            assert c.get(url).status_code == 200

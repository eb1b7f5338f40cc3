"""The side rules on the pages and through the API (issue 13 §5), in Chinese: equipment needs on the
order form, the order page and the API, the half-monthly totals page, API and Excel file (R1.14); a
circuit's first use at confirmation and by the back office (R1.17); the quarterly hand-over sample
(R1.20); the agreement's clauses and the interconnection notice (R1.1)."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from responses import services
from responses.models import EquipmentNeed, EquipmentReport, Order

from .factories import CustomerFactory, make_order, order_data

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def page(user):
    client = Client(**ZH)
    client.force_login(user)
    return client


def api(user):
    client = APIClient(**ZH)
    client.force_authenticate(user)
    return client


def in_progress(people, org, order, dept="nmc"):
    order = services.order_submit(order=order, by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    return services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org[dept], "端口配置")])


def completed(people, org, order):
    order = in_progress(people, org, order)
    step = order.steps.get()
    services.step_accept(step=step, by=people["jk_member"])
    step.refresh_from_db()
    services.step_return(step=step, by=people["jk_member"], finished_at=timezone.now())
    return Order.objects.get(pk=order.pk)


# --- R1.14 -------------------------------------------------------------------------------------------------


def test_r1_14_the_new_order_form_takes_equipment_rows(people, cat):
    c = page(people["zq_admin"])
    body = c.get("/orders/new/").content.decode()
    assert "设备需求" in body and "小光端机" in body
    data = {
        "customer": CustomerFactory().pk, "business_type": cat["phone"].pk, "quantity": 1, "level": "C",
        "location": "城南路 1 号", "contact_person": "李先生", "contact_phone": "13800000000",
        "equipment-TOTAL_FORMS": 3, "equipment-INITIAL_FORMS": 0,
        "equipment-0-item": "sfp", "equipment-0-quantity": 2, "equipment-0-note": "千兆",
        "equipment-1-item": "", "equipment-1-quantity": "",
        "equipment-2-item": "modem", "equipment-2-quantity": "",
        "draft": "1",
    }  # fmt: skip
    r = c.post("/orders/new/", data)
    assert r.status_code == 200 and "error-equipment" in r.content.decode()  # the row without a quantity is refused
    assert not Order.objects.exists()
    data["equipment-2-quantity"] = 1
    r = c.post("/orders/new/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    order = Order.objects.get()
    assert [(n.item, n.quantity, n.note) for n in order.equipment_needs.all()] == [("sfp", 2, "千兆"), ("modem", 1, "")]


def test_r1_14_the_order_page_adds_and_removes_a_need_in_chinese(people, cat):
    order = make_order(people["zq_admin"], cat["phone"])
    c = page(people["zq_admin"])
    body = c.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="equipment"' in body and "设备需求" in body
    r = c.post(f"/orders/equipment/order/{order.pk}/add/", {"item": "switch", "quantity": 2, "note": "24 口"})
    assert r.status_code == 302
    need = order.equipment_needs.get()
    assert (need.item, need.quantity, need.note) == ("switch", 2, "24 口")
    body = c.get(f"/orders/{order.pk}/").content.decode()
    assert "交换机" in body and "24 口" in body
    r = c.post(f"/orders/equipment/order/{order.pk}/add/", {"item": "switch", "quantity": 0}, follow=True)
    assert order.equipment_needs.count() == 1
    c.post(f"/orders/equipment/need/{need.pk}/remove/", {"back": "order"})
    assert not order.equipment_needs.exists()
    # Another front department's admin does not see the order: 404.
    assert (
        page(people["gz_admin"])
        .post(f"/orders/equipment/order/{order.pk}/add/", {"item": "sfp", "quantity": 1})
        .status_code
        == 404
    )


def test_r1_14_needs_through_the_api_nested_by_order(people, cat):
    order = make_order(people["zq_admin"], cat["phone"])
    zq = api(people["zq_admin"])
    r = zq.post("/api/v1/equipment-needs/", {"order": order.pk, "item": "modem", "quantity": 3}, format="json")
    assert r.status_code == 201, r.content
    need_id = r.json()["id"]
    assert r.json()["item_display"] == "光猫"
    r = zq.post("/api/v1/equipment-needs/", {"order": order.pk, "item": "laser", "quantity": 0}, format="json")
    assert r.status_code == 400 and {"item", "quantity"} <= set(r.json()["fields"])
    assert [n["id"] for n in zq.get(f"/api/v1/equipment-needs/?order={order.pk}").json()["results"]] == [need_id]
    r = api(people["gz_admin"]).post("/api/v1/equipment-needs/", {"order": order.pk, "item": "sfp", "quantity": 1})
    assert r.status_code == 404  # not their order
    assert api(people["jk_member"]).delete(f"/api/v1/equipment-needs/{need_id}/").status_code == 404
    assert zq.delete(f"/api/v1/equipment-needs/{need_id}/").status_code == 204
    # The order's create payload still takes them (order_create(equipment=...)).
    r = zq.post(
        "/api/v1/orders/",
        {**{k: v.pk if hasattr(v, "pk") else v for k, v in order_data(cat["phone"]).items()},
         "business_type": "phone", "requested_completion_at": None,
         "equipment": [{"item": "sfp", "quantity": 4}]},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.content
    assert EquipmentNeed.objects.get(order_id=r.json()["id"]).quantity == 4


def test_r1_14_totals_page_api_excel_and_delivery_by_netbuild(people, cat, org):
    a = services.order_create(by=people["zq_admin"], data=order_data(cat["phone"]), equipment=[("sfp", 2, "单模")])
    a = services.order_submit(order=a, by=people["zq_admin"])
    center = page(people["dispatcher"])
    body = center.get("/orders/equipment/").content.decode()
    assert "小光端机: 2" in body and "立即发送" in body  # pending, and the Center may send now
    assert page(people["zq_admin"]).get("/orders/equipment/").status_code == 403
    assert center.post("/orders/equipment/").status_code == 302
    report = EquipmentReport.objects.get()
    assert report.kind == "half_month" and report.totals == {"sfp": 2}
    r = page(people["js_member"]).get(f"/orders/equipment/{report.pk}/export/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    totals, lines = book.worksheets
    assert ["小光端机", 2] in [[c.value for c in row][:2] for row in totals.iter_rows()]
    assert [c.value for c in lines[2]][:6] == [a.number, "政企客户部", str(a.customer), "小光端机", "单模", 2]
    assert page(people["zq_admin"]).get(f"/orders/equipment/{report.pk}/export/").status_code == 403
    # API: the reports, the pending totals, delivery by 网络建设部.
    js = api(people["js_member"])
    rows = js.get("/api/v1/equipment-reports/").json()["results"]
    assert [(r["kind"], r["totals"], r["sent_to"]) for r in rows] == [("half_month", {"sfp": 2}, "netbuild")]
    assert js.get("/api/v1/equipment-reports/pending/").json() == {"totals": {}}
    assert api(people["zq_admin"]).get("/api/v1/equipment-reports/").status_code == 403
    assert js.post("/api/v1/equipment-reports/send-half-month/").status_code == 403
    need = a.equipment_needs.get()
    assert api(people["jk_member"]).post(f"/api/v1/equipment-needs/{need.pk}/deliver/").status_code == 404
    r = js.post(f"/api/v1/equipment-needs/{need.pk}/deliver/")
    assert r.status_code == 200 and r.json()["delivered_at"]
    assert js.post(f"/api/v1/equipment-needs/{need.pk}/deliver/").status_code == 409


def test_r1_14_procurement_overtime_button_on_the_order_page_and_the_api(people, cat, org):
    order = services.order_create(by=people["zq_admin"], data=order_data(cat["phone"]), equipment=[("sfp", 1)])
    order = in_progress(people, org, order)
    step = order.steps.get()
    services.step_accept(step=step, by=people["jk_member"])
    step.refresh_from_db()
    services.step_return(step=step, by=people["jk_member"], finished_at=None, unfinished=True)  # overtime
    body = page(people["dispatcher"]).get(f"/orders/{order.pk}/").content.decode()
    assert "设备到货延误" in body
    assert "设备到货延误" not in page(people["jk_member"]).get(f"/orders/{order.pk}/").content.decode()
    assert api(people["jk_member"]).post(f"/api/v1/steps/{step.pk}/procurement-overtime/").status_code == 403
    r = api(people["dispatcher"]).post(f"/api/v1/steps/{step.pk}/procurement-overtime/")
    assert r.status_code == 200 and r.json()["overtime_charged_to"] == "netbuild"
    assert api(people["dispatcher"]).post(f"/api/v1/steps/{step.pk}/procurement-overtime/").status_code == 409


def test_r1_14_vas_purchase_list_from_the_order_page(people, cat, org):
    from tests.factories import UserFactory

    vas = UserFactory(username="zz_admin", department=org["vas"], roles=["back_admin"])
    si = make_order(people["zq_admin"], cat["system-integration"], agreement_ref="SI-1",
                    **dict.fromkeys(services.AGREEMENT_CLAUSES, True))  # fmt: skip
    si = services.order_submit(order=si, by=people["zq_admin"])
    si = services.order_accept(order=si, by=people["dispatcher"])
    services.order_dispatch(order=si, by=people["dispatcher"], steps=[(org["vas"], "系统集成")])  # VAS sees it
    c = page(vas)
    c.post(f"/orders/equipment/order/{si.pk}/add/", {"item": "other", "quantity": 8, "note": "摄像机"})
    body = c.get(f"/orders/{si.pk}/").content.decode()
    assert "发送采购需求表" in body
    c.post(f"/orders/equipment/order/{si.pk}/purchase-list/")
    report = EquipmentReport.objects.get(kind="purchase_list")
    assert report.totals == {"other": 8} and report.from_department.code == "vas"
    r = api(vas).post("/api/v1/equipment-reports/purchase-list/", {"order": si.pk}, format="json")
    assert r.status_code == 409  # nothing left to send


# --- R1.17 --------------------------------------------------------------------------------------------------


def test_r1_17_confirmation_with_first_use_on_the_page_and_the_api(people, cat, org):
    order = completed(people, org, make_order(people["zq_admin"], cat["phone"]))
    c = page(people["zq_admin"])
    body = c.get(f"/orders/{order.pk}/").content.decode()
    assert "确认竣工（电路已在使用）" in body
    today = timezone.localdate()
    r = c.post(
        f"/orders/circuits/{order.pk}/confirm/", {"circuit_first_used_on": (today + timedelta(days=2)).isoformat()}
    )
    assert Order.objects.get(pk=order.pk).state == "completed"  # refused: in the future
    r = c.post(f"/orders/circuits/{order.pk}/confirm/", {"circuit_first_used_on": today.isoformat()})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.state == "confirmed" and order.circuit_first_used_on == today and order.service_id
    # The API's confirm takes it too.
    other = completed(people, org, make_order(people["zq_admin"], cat["phone"]))
    r = api(people["zq_admin"]).post(
        f"/api/v1/orders/{other.pk}/confirm/", {"circuit_first_used_on": today.isoformat()}, format="json"
    )
    assert r.status_code == 200 and r.json()["circuit_first_used_on"] == today.isoformat()
    r = api(people["zq_admin"]).post(
        f"/api/v1/orders/{other.pk}/confirm/", {"circuit_first_used_on": "x"}, format="json"
    )
    assert r.status_code == 400 and "circuit_first_used_on" in r.json()["fields"]


def test_r1_17_the_back_office_records_a_first_use_on_the_page_and_the_api(people, cat, org):
    order = completed(people, org, make_order(people["zq_admin"], cat["phone"]))
    services.order_confirm(order=order, by=people["zq_admin"])
    today = timezone.localdate().isoformat()
    jk = page(people["jk_member"])
    assert "记录首次使用" in jk.get(f"/orders/{order.pk}/").content.decode()
    assert (
        page(people["xl_admin"])
        .post(f"/orders/circuits/{order.pk}/first-use/", {"circuit_first_used_on": today})
        .status_code
        == 404
    )
    assert jk.post(f"/orders/circuits/{order.pk}/first-use/", {"circuit_first_used_on": today}).status_code == 302
    assert Order.objects.get(pk=order.pk).circuit_first_used_on.isoformat() == today
    # Through the API, on another circuit.
    other = completed(people, org, make_order(people["zq_admin"], cat["phone"]))
    services.order_confirm(order=other, by=people["zq_admin"])
    jk_api = api(people["jk_member"])
    rows = jk_api.get("/api/v1/order-circuits/?used=false").json()["results"]
    assert [r["id"] for r in rows] == [other.pk]
    url = f"/api/v1/order-circuits/{other.pk}/first-use/"
    r = jk_api.post(url, {"circuit_first_used_on": "2000-01-01"}, format="json")  # before the completion
    assert r.status_code == 400 and "circuit_first_used_on" in r.json()["fields"]
    r = jk_api.post(url, {"circuit_first_used_on": today}, format="json")
    assert r.status_code == 200 and r.json()["circuit_first_used_on"] == today
    assert jk_api.post(url, {"circuit_first_used_on": today}, format="json").status_code == 409
    assert api(people["xl_admin"]).get(f"/api/v1/order-circuits/{other.pk}/").status_code == 404


# --- R1.20 --------------------------------------------------------------------------------------------------


def test_r1_20_the_sampling_page_and_api_in_chinese(people, cat, org):
    key = CustomerFactory(is_key=True, name="新钢公司")
    order = completed(people, org, make_order(people["zq_admin"], cat["phone"], customer=key))
    today = timezone.localdate()
    quarter = {"year": today.year, "quarter": (today.month - 1) // 3 + 1}
    body = page(people["dispatcher"]).get("/orders/handover-sample/", quarter).content.decode()
    assert "交接资料抽检" in body and "新钢公司" in body and "电路测试报告" in body
    assert page(people["zq_admin"]).get("/orders/handover-sample/").status_code == 403
    assert page(people["dispatcher"]).get("/orders/handover-sample/", {"year": 1, "quarter": 9}).status_code == 400
    rows = api(people["jk_member"]).get("/api/v1/handover-sample/", quarter).json()
    assert [(r["order"], r["needed"], r["missing"], r["complete"]) for r in rows] == [
        (order.pk, ["circuit_test", "customer_signoff"], ["circuit_test", "customer_signoff"], False)
    ]
    assert api(people["jk_member"]).get("/api/v1/handover-sample/", {"year": today.year}).status_code == 400
    assert api(people["zq_admin"]).get("/api/v1/handover-sample/", quarter).status_code == 403


# --- R1.1 ---------------------------------------------------------------------------------------------------


def test_r1_1_the_form_shows_the_clauses_and_refuses_a_submission_without_them_in_chinese(people, cat):
    c = page(people["zq_admin"])
    body = c.get("/orders/new/").content.decode()
    assert "协议写明设备和线路的产权归属" in body and "互联互通通知书" in body
    data = {
        "customer": CustomerFactory().pk, "business_type": cat["data-line"].pk, "quantity": 1, "level": "C",
        "location": "城南路 1 号", "contact_person": "李先生", "contact_phone": "13800000000",
        "agreement_ref": "YZ-9", "agreement_states_ownership": "on",
        "equipment-TOTAL_FORMS": 0, "equipment-INITIAL_FORMS": 0, "submit": "1",
    }  # fmt: skip
    r = c.post("/orders/new/", data)
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="error-agreement_states_term"' in body and "协议" in body
    assert not Order.objects.exists()
    r = api(people["zq_admin"]).post(
        "/api/v1/orders/",
        {"customer": CustomerFactory().pk, "business_type": "interconnect", "level": "C", "location": "x",
         "contact_person": "李", "contact_phone": "1"},
        format="json",
    )  # fmt: skip
    pk = r.json()["id"]
    r = api(people["zq_admin"]).post(f"/api/v1/orders/{pk}/submit/")
    assert r.status_code == 400 and "通知书" in r.json()["fields"]["interconnection_notice"][0]

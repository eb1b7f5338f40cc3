"""Issue 13 §4: responsibility for any department. The Center records non-cooperation against any
department, front or back, on an order or a step, with reason and evidence (seed 000 §三.14, §四.2);
lost equipment charged to the raising department (§三.6); an order admin unreachable at a recorded
time (§四.16). The report side (JSON, page, Excel) is in test_report.py's October month."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from responses import selectors, services
from responses.models import AdminUnreachable, LostEquipment, NonCooperation
from sla.workflow import TransitionForbidden

from .factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(people, cat, org):
    order = make_order(people["zq_admin"], cat["phone"], level="B")
    order = services.order_submit(order=order, by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    return services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["line"], "线路施工")])


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_seed_4_2_center_records_non_cooperation_of_a_back_office_department_on_a_step(people, org, order):
    step = order.steps.get()
    record = services.noncooperation_record(
        order=order, by=people["dispatcher"], department=org["line"], step=step, reason="未按约到场", evidence="照片"
    )
    assert (record.department, record.step, record.recorded_by) == (org["line"], step, people["dispatcher"])
    report = selectors.month_report_live(year=record.recorded_at.year, month=timezone.localtime().month)
    assert [r["department_code"] for r in report.non_cooperation] == ["line"]
    assert report.non_cooperation_records[0]["reason"] == "未按约到场"


def test_seed_3_14_only_the_center_records_and_bad_input_names_the_field(people, org, order, cat):
    with pytest.raises(TransitionForbidden):
        services.noncooperation_record(order=order, by=people["zq_admin"], department=org["line"], reason="x")
    with pytest.raises(ValidationError) as exc:
        services.noncooperation_record(order=order, by=people["dispatcher"], department=None, reason=" ")
    assert set(exc.value.message_dict) == {"department", "reason"}
    other = make_order(people["zq_admin"], cat["phone"])
    with pytest.raises(ValidationError) as exc:
        services.noncooperation_record(
            order=other, by=people["dispatcher"], department=org["line"], reason="x", step=order.steps.get()
        )
    assert set(exc.value.message_dict) == {"step"}


def test_seed_3_6_lost_equipment_is_charged_to_the_raising_department(people, org, order):
    record = services.lost_equipment_record(
        order=order, by=people["dispatcher"], item="光猫", quantity=2, amount=Decimal("700.50")
    )
    assert record.charged_department == org["gov_enterprise"] and record.amount == Decimal("700.50")
    with pytest.raises(ValidationError) as exc:
        services.lost_equipment_record(order=order, by=people["dispatcher"], item="", quantity=0, amount=Decimal("-1"))
    assert set(exc.value.message_dict) == {"item", "quantity", "amount"}
    report = selectors.month_report_live(year=timezone.localdate().year, month=timezone.localdate().month)
    frozen = type(report).from_json(report.to_json())
    assert frozen.lost_equipment[0]["amount"] == Decimal("700.50")  # a Decimal again after the snapshot


def test_seed_4_16_unreachable_admin_at_a_recorded_time(people, org, order):
    at = timezone.now() - timedelta(hours=3)
    record = services.admin_unreachable_record(
        order=order, by=people["dispatcher"], department=org["line"], person=people["xl_admin"], tried_at=at
    )
    assert (record.department, record.person, record.tried_at) == (org["line"], people["xl_admin"], at)
    with pytest.raises(ValidationError) as exc:
        services.admin_unreachable_record(
            order=order, by=people["dispatcher"], department=org["line"], person=people["zq_admin"], tried_at=None
        )
    assert set(exc.value.message_dict) == {"person", "tried_at"}
    with pytest.raises(ValidationError) as exc:
        services.admin_unreachable_record(
            order=order, by=people["dispatcher"], department=org["line"], tried_at=timezone.now() + timedelta(days=1)
        )
    assert set(exc.value.message_dict) == {"tried_at"}


def test_seed_3_14_api_create_list_and_errors(people, org, order, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    body = {"order": order.pk, "department": "line", "reason": "不配合", "evidence": "通话记录"}
    file = SimpleUploadedFile("证据.txt", b"evidence", content_type="text/plain")
    r = api(people["dispatcher"]).post("/api/v1/non-cooperation/", body | {"attachment": file}, format="multipart")
    assert r.status_code == 201, r.content
    assert r.json()["department"] == "line" and r.json()["attachment"]
    r = api(people["dispatcher"]).post("/api/v1/non-cooperation/", {"order": order.pk, "department": "line"})
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    assert api(people["zq_admin"]).post("/api/v1/non-cooperation/", body).status_code == 403
    # Listed to the department it names and the order's front department; not to others.
    assert api(people["xl_admin"]).get("/api/v1/non-cooperation/").json()["count"] == 1
    assert api(people["zq_admin"]).get("/api/v1/non-cooperation/").json()["count"] == 1
    assert api(people["jk_member"]).get("/api/v1/non-cooperation/").json()["count"] == 0
    r = api(people["dispatcher"]).post(
        "/api/v1/lost-equipment/", {"order": order.pk, "item": "光猫", "quantity": 1, "amount": "350.00"}
    )
    assert r.status_code == 201 and r.json()["charged_department"] == "gov_enterprise"
    assert (
        api(people["dispatcher"]).post("/api/v1/lost-equipment/", {"order": order.pk, "item": "x"}).status_code == 400
    )
    at = (timezone.now() - timedelta(hours=1)).isoformat()
    r = api(people["dispatcher"]).post(
        "/api/v1/admin-unreachable/", {"order": order.pk, "department": "line", "person": "xl_admin", "tried_at": at}
    )
    assert r.status_code == 201 and r.json()["person"] == "xl_admin"
    assert NonCooperation.objects.count() == LostEquipment.objects.count() == AdminUnreachable.objects.count() == 1


def test_seed_3_14_order_page_block_button_for_the_center_only_in_chinese(client, people, org, order):
    url = f"/orders/{order.pk}/"
    client.force_login(people["zq_admin"])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="responsibility"' in page and "record-non-cooperation" not in page
    assert client.post(f"{url}responsibility/non-cooperation/", {"reason": "x"}).status_code == 403
    client.force_login(people["dispatcher"])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登记不配合" in page and "登记丢失设备" in page and "登记管理员联络不上" in page
    r = client.post(
        f"{url}responsibility/non-cooperation/",
        {"department": org["line"].pk, "step": order.steps.get().pk, "reason": "未按约到场", "evidence": "照片"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert r.status_code == 302
    r = client.post(
        f"{url}responsibility/lost-equipment/", {"item": "光猫", "quantity": "1", "amount": "-5"}, follow=True
    )
    assert LostEquipment.objects.count() == 0
    local = timezone.localtime(timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"{url}responsibility/unreachable/", {"department": org["line"].pk, "tried_at": local})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未按约到场" in page and "线路维护中心" in page
    assert AdminUnreachable.objects.get().department == org["line"]
    assert "已登记不配合" in page  # the timeline names the record

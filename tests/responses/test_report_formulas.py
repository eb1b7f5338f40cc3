"""Issue 11 (R1.22): the monthly report's Excel file writes user text — a customer, a department, an
assessment reason — as text, never as a formula."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from responses.models import Order

from .factories import CustomerFactory, make_order

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_r1_22_report_excel_writes_user_text_as_text(client, people, cat, org):
    now = datetime(2026, 11, 16, 10, 0, tzinfo=SH)
    with time_machine.travel(now, tick=False):
        org["gov_enterprise"].__class__.objects.filter(pk=org["gov_enterprise"].pk).update(name_zh="@SUM(A1:A9)")
        order = make_order(people["zq_admin"], cat["phone"], level="A", customer=CustomerFactory(name="=1+1"))
        Order.objects.filter(pk=order.pk).update(
            submitted_at=now, assessed_level="B", assessment_reason="-2+3 超出配额", state=Order.State.SUBMITTED
        )
        client.force_login(people["viewer"])
        response = client.get(reverse("responses:report-export"), {"month": "2026-11"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["降级考核"]
    header, *rows = list(sheet.iter_rows())
    assert [c.value for c in header] == ["定单号", "发起部门", "客户", "服务等级", "考核等级", "原因"]
    (row,) = [r for r in rows if r[0].value == Order.objects.get(pk=order.pk).number]
    assert [(c.data_type, c.value) for c in row[1:3] + row[5:6]] == [
        ("s", "'@SUM(A1:A9)"), ("s", "'=1+1"), ("s", "'-2+3 超出配额"),
    ]  # fmt: skip
    assert (row[3].value, row[4].value) == ("A", "B")

"""R1.13 work contact order pages: sent / received lists, new, answer, late ones marked."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from responses import services
from responses.models import ContactOrder
from tests.pages import refused_inline

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def send(people, org, hours=4, subject="核实端口"):
    return services.contact_order_create(
        by=people["dispatcher"],
        to_department=org["nmc"],
        subject=subject,
        body="请核实端口",
        feedback_due_at=timezone.now() + timedelta(hours=hours),
    )


def test_r1_13_send_receive_and_answer_through_the_pages(people, org):
    center = client_for(people["dispatcher"])
    due = timezone.localtime() + timedelta(hours=6)
    r = center.post(
        "/orders/contacts/new/",
        {
            "to_department": org["nmc"].pk,
            "subject": "核实端口",
            "body": "请核实",
            "feedback_due_at": due.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert r.status_code == 302 and r["Location"].endswith("?box=sent")
    contact = ContactOrder.objects.get()
    assert contact.from_department == org["center"] and contact.state == "open"
    assert "核实端口" in center.get("/orders/contacts/?box=sent").content.decode()
    assert "核实端口" not in center.get("/orders/contacts/?box=received").content.decode()
    jk = client_for(people["jk_member"])
    body = jk.get("/orders/contacts/?box=received").content.decode()
    assert "核实端口" in body and f"/orders/contacts/{contact.pk}/answer/" in body
    assert jk.post(f"/orders/contacts/{contact.pk}/answer/", {"reply": "已核实"}).status_code == 302
    contact.refresh_from_db()
    assert contact.state == "answered" and contact.reply == "已核实" and not contact.is_late


def test_r1_13_late_contact_orders_are_marked_and_filtered(people, org):
    late = send(people, org, hours=1, subject="迟到的联系单")
    send(people, org, hours=48, subject="按时的联系单")
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        body = client_for(people["jk_member"]).get("/orders/contacts/?box=received&late=1").content.decode()
    assert "迟到的联系单" in body and "按时的联系单" not in body and 'data-testid="late-contact"' in body
    assert late.pk


def test_r1_13_new_form_errors_in_chinese(people, org):
    c = client_for(people["dispatcher"])
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = c.post(
        "/orders/contacts/new/", {"to_department": org["nmc"].pk, "subject": "x", "body": "", "feedback_due_at": past}
    )
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="error-body"' in body and ContactOrder.objects.count() == 0
    r = c.post(
        "/orders/contacts/new/", {"to_department": org["nmc"].pk, "subject": "x", "body": "y", "feedback_due_at": past}
    )
    assert 'data-testid="error-feedback_due_at"' in r.content.decode() and "晚于当前时间" in r.content.decode()


def test_r1_13_only_the_receiving_department_answers_403_and_answered_twice_409(people, org):
    contact = send(people, org)
    assert (
        client_for(people["xl_admin"]).post(f"/orders/contacts/{contact.pk}/answer/", {"reply": "x"}).status_code == 404
    )
    assert client_for(people["auditor"]).post("/orders/contacts/new/", {}).status_code == 403
    jk = client_for(people["jk_member"])
    assert jk.post(f"/orders/contacts/{contact.pk}/answer/", {"reply": "已核实"}).status_code == 302
    # Answered already: refused (409) with the reason, back on the received box.
    back = "/orders/contacts/?box=received"
    assert refused_inline(jk, f"/orders/contacts/{contact.pk}/answer/", {"reply": "again"}, back_to=back)
    contact.refresh_from_db()
    assert contact.reply == "已核实"


def test_r1_13_contact_list_uses_a_fixed_number_of_queries(people, org, django_assert_max_num_queries):
    send(people, org)
    c = client_for(people["jk_member"])
    c.get("/")
    with django_assert_max_num_queries(15) as q:
        assert c.get("/orders/contacts/").status_code == 200
    first = len(q.captured_queries)
    for _ in range(8):
        send(people, org)
    with django_assert_max_num_queries(first):
        assert c.get("/orders/contacts/").status_code == 200

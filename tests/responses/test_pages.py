"""Pages: submit form with quota warning (R1.4), detail with timeline and deadlines, queue, no N+1."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from responses import services
from responses.models import Order
from tests.pages import refused_inline

from .factories import CustomerFactory, make_order

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def form_data(**kw):
    data = {
        "customer": CustomerFactory().pk,
        "business_type": "",
        "quantity": 1,
        "level": "C",
        "location": "城南路 8 号",
        "contact_person": "李先生",
        "contact_phone": "13800000000",
        "submit": "1",
    }
    return data | kw


def test_submit_form_names_missing_fields_in_chinese_and_saves_nothing_r1_1(people, cat):
    c = client_for(people["zq_admin"])
    r = c.post("/orders/new/", form_data(business_type=cat["hotel"].pk))
    assert r.status_code == 200
    assert "附件" in r.content.decode()
    assert Order.objects.count() == 0
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4")
    r = c.post("/orders/new/", form_data(business_type=cat["hotel"].pk, attachment=upload))
    order = Order.objects.get()
    assert r.status_code == 302 and order.state == "submitted" and order.attachments.count() == 1


def test_submit_form_warns_before_an_over_quota_a_order_r1_4(people, cat):
    c = client_for(people["gz_admin"])
    r = c.get("/orders/new/")
    assert "本月" in r.content.decode() or "quota" in r.content.decode()
    r = c.post("/orders/new/", form_data(business_type=cat["phone"].pk, level="A"))  # 1 A of 1 order: over 10%
    assert r.status_code == 200 and r.context["warning"]
    assert Order.objects.count() == 0
    r = c.post("/orders/new/", form_data(business_type=cat["phone"].pk, level="A", confirm_over_quota="on"))
    assert r.status_code == 302 and Order.objects.get().state == "awaiting_signoff"


def test_detail_shows_timeline_deadlines_and_assessment(people, cat, org):
    order = services.order_submit(order=make_order(people["zq_admin"], cat["phone"], level="A"), by=people["zq_admin"])
    c = client_for(people["dispatcher"])
    assert c.post(f"/orders/{order.pk}/accept/").status_code == 302
    body = c.get(f"/orders/{order.pk}/").content.decode()
    assert "submit_for_signoff" in body and "accept" in body
    assert "R1.5" in body  # unsigned A: assessed on B
    assert 'data-testid="time-left"' in body
    r = c.post(f"/orders/{order.pk}/dispatch/", {"department": ["nmc", "line", ""], "title": ["a", "b", ""]})
    assert r.status_code == 302 and Order.objects.get(pk=order.pk).steps.count() == 2


def test_back_office_return_page_with_actual_completion_time_and_a_refused_button_inline(people, cat, org):
    order = services.order_submit(order=make_order(people["zq_admin"], cat["phone"]), by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "端口")])
    step = order.steps.get()
    c = client_for(people["jk_member"])
    assert order.number in c.get("/orders/queue/").content.decode()
    assert c.post(f"/orders/steps/{step.pk}/accept/").status_code == 302
    # Accepted already (409): back on the queue, the reason shown there.
    assert "无法" in refused_inline(c, f"/orders/steps/{step.pk}/accept/", back_to="/orders/queue/")
    finished = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert c.post(f"/orders/steps/{step.pk}/return/", {"finished_at": finished}).status_code == 302
    assert Order.objects.get(pk=order.pk).state == "completed"


def test_pages_use_a_fixed_number_of_queries(people, cat, org, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            order = services.order_submit(order=make_order(people["zq_admin"], cat["phone"]), by=people["zq_admin"])
            order = services.order_accept(order=order, by=people["dispatcher"])
            services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "x")])

    add(2)
    pages = (("/orders/", "zq_admin"), ("/orders/queue/", "jk_member"), ("/orders/center/", "dispatcher"))
    counts = {}
    for url, user in pages:
        c = client_for(people[user])
        c.get("/")
        with django_assert_max_num_queries(15) as q:
            assert c.get(url).status_code == 200
        counts[url] = len(q.captured_queries)
    add(8)
    for url, user in pages:
        c = client_for(people[user])
        c.get("/")
        with django_assert_max_num_queries(counts[url]):
            assert c.get(url).status_code == 200

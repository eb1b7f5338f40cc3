"""R1.18 build decision pages: the front department raises (demand, buildings, competition), 网络建设部
estimates, 市场拓展部's director decides."""

import pytest
from django.test import Client

from responses import services
from responses.models import BuildDecision
from tests.pages import refused_inline

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def raise_one(people, site="阳光小区"):
    return services.build_decision_raise(
        by=people["zq_admin"], kind="lan", site=site, expected_demand=300, buildings=12, competition="移动已覆盖"
    )


def test_r1_18_raise_estimate_and_decide_through_the_pages(people, org):
    r = client_for(people["gz_admin"]).post(
        "/orders/builds/",
        {"kind": "dslam", "site": "东区机房", "expected_demand": 120, "buildings": 4, "competition": "电信独家"},
    )
    assert r.status_code == 302
    decision = BuildDecision.objects.get()
    js = client_for(people["js_member"])
    assert "东区机房" in js.get("/orders/builds/").content.decode()
    assert js.post(f"/orders/builds/{decision.pk}/estimate/", {"cost": "88000.00"}).status_code == 302
    sc = client_for(people["sc_leader"])
    assert sc.post(f"/orders/builds/{decision.pk}/approve/").status_code == 302
    decision.refresh_from_db()
    assert decision.state == "approved" and decision.decided_by == people["sc_leader"]
    assert str(decision.cost_estimate) == "88000.00"


def test_r1_18_missing_demand_is_named_in_chinese(people, org):
    r = client_for(people["zq_admin"]).post(
        "/orders/builds/", {"kind": "lan", "site": "x", "expected_demand": "", "buildings": 3, "competition": ""}
    )
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="error-expected_demand"' in body and "必填" in body
    assert BuildDecision.objects.count() == 0


def test_r1_18_wrong_person_403_and_wrong_state_409(people, org):
    decision = raise_one(people)
    assert client_for(people["jk_member"]).post("/orders/builds/", {}).status_code == 403
    assert (
        client_for(people["jk_member"]).post(f"/orders/builds/{decision.pk}/estimate/", {"cost": "1"}).status_code
        == 404  # outside their scope: as if there were none (issue 12 §2)
    )
    sc = client_for(people["sc_leader"])
    # Not estimated yet: refused (409) with the reason, back on the list.
    assert refused_inline(sc, f"/orders/builds/{decision.pk}/approve/", back_to="/orders/builds/")
    js = client_for(people["js_member"])
    assert js.post(f"/orders/builds/{decision.pk}/estimate/", {"cost": "1000"}).status_code == 302
    assert refused_inline(js, f"/orders/builds/{decision.pk}/estimate/", {"cost": "2000"}, back_to="/orders/builds/")
    assert str(BuildDecision.objects.get().cost_estimate) == "1000.00"
    assert client_for(people["zq_director"]).post(f"/orders/builds/{decision.pk}/approve/").status_code == 403
    assert sc.post(f"/orders/builds/{decision.pk}/reject/").status_code == 302
    assert BuildDecision.objects.get().state == "rejected"


def test_r1_18_build_list_uses_a_fixed_number_of_queries(people, org, django_assert_max_num_queries):
    raise_one(people)
    c = client_for(people["dispatcher"])
    c.get("/")
    with django_assert_max_num_queries(15) as q:
        assert c.get("/orders/builds/").status_code == 200
    first = len(q.captured_queries)
    for i in range(8):
        raise_one(people, site=f"小区{i}")
    with django_assert_max_num_queries(first):
        assert c.get("/orders/builds/").status_code == 200

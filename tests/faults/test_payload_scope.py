"""Issue 11, point 5: a problem links only tickets of its own department that the user may see
(F2.5), a complaint names only a quality event the user may see (F2.9); the API limits the field and
the service re-checks it (400, nothing written)."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from faults import services
from faults.models import Complaint, FaultTicket, QualityEvent
from org.models import Department

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _ticket(people, circuit, department):
    return services.fault_report(
        by=people.front, title="t", description="d", category="line", service=circuit, handling_department=department
    )


def test_f2_5_problem_cannot_link_another_departments_ticket(people, circuit):
    own = _ticket(people, circuit, people.nmc)
    other = _ticket(people, circuit, Department.objects.get(code="line"))
    admin = client_for(people.admin)
    pid = admin.post(f"/api/v1/faults/{own.pk}/problem/", {"title": "固件缺陷"}, format="json").json()["id"]
    r = admin.post(f"/api/v1/problems/{pid}/link/", {"ticket": other.pk}, format="json")
    assert r.status_code == 400, r.content
    assert "ticket" in r.json()["fields"]
    assert FaultTicket.objects.get(pk=other.pk).problem_id is None
    # Its own department's ticket links.
    third = _ticket(people, circuit, people.nmc)
    r = admin.post(f"/api/v1/problems/{pid}/link/", {"ticket": third.pk}, format="json")
    assert r.status_code == 200, r.content
    assert FaultTicket.objects.get(pk=third.pk).problem_id == pid


def test_f2_5_service_rechecks_the_linked_ticket(people, circuit):
    own = _ticket(people, circuit, people.nmc)
    other = _ticket(people, circuit, Department.objects.get(code="line"))
    problem = services.problem_create_from_ticket(ticket=own, by=people.admin)
    with pytest.raises(ValidationError) as refused:
        services.problem_link_ticket(problem=problem, ticket=other, by=people.admin)
    assert refused.value.message_dict["ticket"]
    assert FaultTicket.objects.get(pk=other.pk).problem_id is None


def _event(people, department):
    made = client_for(people.front).post(
        "/api/v1/quality-events/",
        {"title": "计费争议", "category": "billing", "source": "complaints", "business_department": department.pk},
        format="json",
    )
    assert made.status_code == 201, made.content
    return made.json()["id"]


def test_f2_9_complaint_names_only_a_quality_event_the_user_may_see(people):
    theirs = _event(people, Department.objects.get(code="gov_enterprise"))  # 政企客户部's event
    public = client_for(people.public)  # 公众客户部 cannot see it
    body = {"customer_name": "王五", "category": "billing", "content": "多扣费", "department": people.nmc.pk}
    before = Complaint.objects.count()
    r = public.post("/api/v1/complaints/", {**body, "quality_event": theirs}, format="json")
    assert r.status_code == 400, r.content
    assert "quality_event" in r.json()["fields"]
    assert Complaint.objects.count() == before
    with pytest.raises(ValidationError) as refused:
        services.complaint_receive(
            by=people.public, **{**body, "department": people.nmc}, quality_event=QualityEvent.objects.get(pk=theirs)
        )
    assert refused.value.message_dict["quality_event"]
    assert Complaint.objects.count() == before
    # The event's own department may name it.
    r = client_for(people.front).post("/api/v1/complaints/", {**body, "quality_event": theirs}, format="json")
    assert r.status_code == 201, r.content

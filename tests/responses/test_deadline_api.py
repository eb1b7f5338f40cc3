"""Issue 13 §6: ``/api/v1/deadlines/`` — read-only, filtered by subject, a deadline only for a person
who may see its subject (the apps register their visibility rules: ``sla.subjects``); an unknown
subject type or a bad id answers 400 naming the field, a subject out of sight 404."""

from datetime import date

import pytest

from billing.services import bill_run_schedule
from responses import services
from sla.models import Deadline
from sla.subjects import subject_types

from .factories import make_order
from .test_api import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(people, cat, org):
    zq, center = people["zq_admin"], people["dispatcher"]
    order = services.order_submit(order=make_order(zq, cat["phone"]), by=zq)
    order = services.order_accept(order=order, by=center)
    order = services.order_dispatch(order=order, by=center, steps=[(org["nmc"], "端口"), (org["line"], "线路")])
    other = services.order_submit(order=make_order(people["gz_admin"], cat["phone"]), by=people["gz_admin"])
    run = bill_run_schedule(period=date(2026, 11, 1))
    return {"order": order, "other": other, "run": run}


def _ids(user, query=""):
    response = client_for(user).get(f"/api/v1/deadlines/?{query}")
    assert response.status_code == 200, response.content
    return {d["id"] for d in response.json()["results"]}


def _of(subject):
    return set(
        Deadline.objects.filter(content_type__model=subject._meta.model_name, object_id=subject.pk).values_list(
            "pk", flat=True
        )
    )


def test_apps_register_their_subjects_without_the_engine_importing_them():
    assert {"order", "step", "fault-ticket", "account-request", "bill-run"} <= set(subject_types())


def test_a_person_sees_the_deadlines_of_the_subjects_they_may_see(world, people):
    order, other, run = world["order"], world["other"], world["run"]
    nmc_step = order.steps.get(department__code="nmc")
    assert _of(order) and _of(other) and _of(run) and _of(nmc_step)
    # Front office: its own orders and their steps; not another department's, not billing.
    zq = _ids(people["zq_admin"])
    assert _of(order) | _of(nmc_step) <= zq and not (_of(other) | _of(run)) & zq
    # Back office: the steps of its department and the orders it works on.
    jk = _ids(people["jk_member"])
    assert _of(nmc_step) | _of(order) <= jk
    assert not _of(order.steps.get(department__code="line")) & jk and not _of(other) & jk
    # IT sees billing's deadlines; the Center reads everything.
    assert _of(run) <= _ids(people["it_operator"])
    assert _of(order) | _of(other) | _of(run) <= _ids(people["dispatcher"])


def test_filtered_by_subject_in_both_spellings_and_by_state_kind_department(world, people):
    order = world["order"]
    zq = people["zq_admin"]
    assert _ids(zq, f"subject=order:{order.pk}") == _of(order)
    assert _ids(zq, f"subject_type=order&subject_id={order.pk}") == _of(order)
    step = order.steps.get(department__code="nmc")
    assert _ids(zq, f"subject=step:{step.pk}&kind=step-resource&state=pending") == _of(step)
    assert _ids(zq, f"subject=step:{step.pk}&state=met") == set()
    assert _ids(zq, f"subject=step:{step.pk}&department=line") == set()
    body = client_for(zq).get(f"/api/v1/deadlines/?subject=step:{step.pk}").json()
    (row,) = body["results"]
    assert row["subject_type"] == "step" and row["assessed_department"] == "nmc" and row["paused_total"] == 0
    assert row["assessed_due"] == row["due_at"] and row["warned_at"] is None and row["breached_at"] is None
    assert client_for(zq).get(f"/api/v1/deadlines/{row['id']}/").json()["id"] == row["id"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("subject=nothing:1", "subject"),
        ("subject=order", "subject"),
        ("subject=order:abc", "subject"),
        ("subject=order:0", "subject"),
        (f"subject=order:{2**63}", "subject"),
        ("subject=order:１２", "subject"),
        ("subject_type=nothing&subject_id=1", "subject_type"),
        ("subject_type=order", "subject_id"),
        ("subject_id=3", "subject_type"),
        ("subject_type=order&subject_id=abc", "subject_id"),
        ("subject_type=order&subject_id=1.5", "subject_id"),
        ("state=late", "state"),
    ],
)
def test_an_unknown_subject_type_or_bad_id_is_a_400_naming_the_field(world, people, query, field):
    response = client_for(people["dispatcher"]).get(f"/api/v1/deadlines/?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and field in response.json()["fields"], response.content


def test_the_400_is_explained_in_chinese(world, people):
    body = client_for(people["dispatcher"]).get("/api/v1/deadlines/?subject=nothing:1").json()
    assert body["fields"]["subject"] == ["未知的对象类型：nothing。"]
    body = client_for(people["dispatcher"]).get("/api/v1/deadlines/?subject_type=order").json()
    assert body["fields"]["subject_id"] == ["给出对象类型时请同时给出对象编号。"]


def test_a_subject_out_of_sight_or_missing_is_a_404_and_so_is_its_deadline(world, people):
    other, run = world["other"], world["run"]
    zq = client_for(people["zq_admin"])
    for query in (f"subject=order:{other.pk}", f"subject=bill-run:{run.pk}", "subject=order:999999"):
        response = zq.get(f"/api/v1/deadlines/?{query}")
        assert response.status_code == 404 and response.json()["code"] == "not_found", query
    assert zq.get(f"/api/v1/deadlines/{min(_of(other))}/").status_code == 404
    assert client_for(people["gz_admin"]).get(f"/api/v1/deadlines/?subject=order:{other.pk}").status_code == 200


def test_read_only_and_signed_in_only(world, people):
    deadline = min(_of(world["order"]))
    assert client_for(people["dispatcher"]).post("/api/v1/deadlines/", {}).status_code == 405
    assert client_for(people["dispatcher"]).delete(f"/api/v1/deadlines/{deadline}/").status_code == 405
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/deadlines/").status_code == 403

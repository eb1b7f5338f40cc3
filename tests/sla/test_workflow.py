"""S5.5 and the workflow rule: every transition locks, checks, saves and audits; wrong state → conflict."""

from datetime import date

import pytest

from billing import services
from billing.models import BillRun
from org.roles import Role
from sla.selectors import audit_trail_of
from sla.workflow import TransitionConflict, apply_transition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(org):
    return UserFactory(department=org["it"], roles=[Role.IT_OPERATOR])


def test_a_transition_is_saved_and_audited_with_actor_and_comment(operator):
    run = services.bill_run_schedule(period=date(2026, 10, 1))
    run = apply_transition(run, "start_check", by=operator, comment="开始检查", actor=operator)
    assert BillRun.objects.get(pk=run.pk).state == "checking"
    entry = audit_trail_of(run).last()
    assert (entry.transition, entry.from_state, entry.to_state, entry.actor, entry.comment) == (
        "start_check", "scheduled", "checking", operator, "开始检查",
    )  # fmt: skip


def test_a_stale_copy_cannot_repeat_a_transition_someone_else_took(operator):
    run = services.bill_run_schedule(period=date(2026, 10, 1))
    stale = BillRun.objects.get(pk=run.pk)
    apply_transition(run, "start_check", by=operator, actor=operator)
    with pytest.raises(TransitionConflict, match="数据检查|Data check"):
        apply_transition(stale, "start_check", by=operator, actor=operator)
    assert [e.transition for e in audit_trail_of(run)] == ["schedule", "start_check"]

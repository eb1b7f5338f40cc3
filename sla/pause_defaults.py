"""The default pause reasons (S5.3, issue 13 §3; seed 000 §三: special orders for obstructions approved
by the Center). Configurable data: edit them in the admin; loading again leaves them as set there.

Orders and steps are decided by the Center's dispatcher, fault tickets by the handling department's
supervisor (``sla.pause_subjects`` registrations of the apps narrow the approving role to them).
"""

from django.db import transaction

from .models import PauseReason

ORDER, STEP, TICKET = "responses.order", "responses.workstep", "faults.faultticket"
BACK = ["back_member", "back_admin"]
APPROVERS = ["dispatcher", "supervisor"]

# code, name (shown as entered), who may request, who must approve, subjects
PAUSE_REASONS = [
    ("waiting-customer", "等待客户（客户原因）", [*BACK, "front_admin", "dispatcher", "supervisor"], APPROVERS,
     [ORDER, STEP, TICKET]),
    ("third-party", "等待第三方（物业、其他运营商等）", [*BACK, "dispatcher", "supervisor"], APPROVERS,
     [ORDER, STEP, TICKET]),
    ("access-pass", "等待出入证/进场许可", [*BACK, "supervisor"], APPROVERS, [STEP, TICKET]),
    ("special-order", "特殊定单（阻工，R1.10）", BACK, ["dispatcher"], [STEP]),
]  # fmt: skip


@transaction.atomic
def load_pause_reasons() -> None:
    for position, (code, name, request_roles, approve_roles, subjects) in enumerate(PAUSE_REASONS, start=1):
        PauseReason.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "request_roles": request_roles,
                "approve_roles": approve_roles,
                "subjects": subjects,
                "position": position,
            },
        )

"""Default limits of SPEC §1 and §3 (configurable data: edit them in the admin).

Idempotent: existing policies are left as an administrator set them.
"""

from datetime import timedelta

from django.db import transaction

from .models import Clock, EscalationLadder, EscalationRung, Level, SlaPolicy

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)

# kind, level, duration, clock, warn before, roles told of warning and breach (in the deadline's
# assessed department; if nobody holds them there, the sweeper's FALLBACK_RECIPIENTS; no roles: the
# kind's handler tells people, as the bill run's announcement does), description
POLICIES = [
    ("order-provisioning", Level.A, 3 * DAY, Clock.CALENDAR, 12 * HOUR, ["dispatcher"], "R1.3 provisioning A"),
    ("order-provisioning", Level.B, 5 * DAY, Clock.CALENDAR, 12 * HOUR, ["dispatcher"], "R1.3 provisioning B"),
    ("order-provisioning", Level.C, 10 * DAY, Clock.CALENDAR, DAY, ["dispatcher"], "R1.3 provisioning C"),
    ("order-new-build", Level.NONE, 30 * DAY, Clock.CALENDAR, 2 * DAY, ["back_admin"], "R1.7 no resources, new build"),
    ("step-resource", Level.A, 1 * DAY, Clock.CALENDAR, 4 * HOUR, ["back_admin"], "R1.3 resource configuration A"),
    ("step-resource", Level.B, 2 * DAY, Clock.CALENDAR, 6 * HOUR, ["back_admin"], "R1.3 resource configuration B"),
    ("step-resource", Level.C, 3 * DAY, Clock.CALENDAR, 8 * HOUR, ["back_admin"], "R1.3 resource configuration C"),
    ("requisition", Level.NONE, 3 * DAY, Clock.CALENDAR, 12 * HOUR, ["dispatcher", "back_admin"], "R1.7 confirmation"),
    ("order-confirmation", Level.NONE, 2 * DAY, Clock.CALENDAR, timedelta(0), ["front_admin"], "R1.12 auto-confirm"),
    ("fault-repair", Level.A, 4 * HOUR, Clock.CALENDAR, HOUR, ["supervisor"], "Fault repair A"),
    ("fault-repair", Level.B, 8 * HOUR, Clock.CALENDAR, HOUR, ["supervisor"], "Fault repair B"),
    ("fault-repair", Level.C, 24 * HOUR, Clock.CALENDAR, 2 * HOUR, ["supervisor"], "Fault repair C"),
    ("account-request", Level.NONE, 1 * DAY, Clock.WORKING_DAYS, 2 * HOUR, ["it_operator"], "A3.1 IT completes"),
    # B4.2/B4.3: due time fixed by billing (00:00 on the 2nd / 10th); the handler announces the outcome.
    ("bill-run-announcement", Level.NONE, 1 * DAY, Clock.CALENDAR, timedelta(0), [], "B4.2 bill run announcement"),
    # Faults, quality events, complaints (SPEC §2, app faults)
    ("fault-recovery-notice", Level.NONE, 5 * MINUTE, Clock.CALENDAR, 0 * MINUTE, ["supervisor"], "F2.4 recovery"),
    ("fault-broadcast", Level.NONE, 30 * MINUTE, Clock.CALENDAR, 0 * MINUTE, ["supervisor"], "F2.4 broadcast"),
    ("event-report", Level.NONE, HOUR, Clock.CALENDAR, 15 * MINUTE, ["supervisor"], "F2.8 report to 客户服务部"),
    ("event-publish", Level.NONE, HOUR, Clock.CALENDAR, 15 * MINUTE, ["supervisor"], "F2.8 publish the warning"),
    ("event-script", Level.NONE, 2 * HOUR, Clock.CALENDAR, 30 * MINUTE, ["supervisor"], "F2.8 explanation script"),
    ("event-cause-plan", Level.NONE, DAY, Clock.CALENDAR, 2 * HOUR, ["supervisor"], "F2.8 root cause and plan"),
    ("event-hq-feedback", Level.NONE, 2 * HOUR, Clock.CALENDAR, 30 * MINUTE, ["supervisor"], "F2.8 HQ feedback"),
    ("event-hq-plan-l1", Level.NONE, 8 * HOUR, Clock.CALENDAR, HOUR, ["supervisor"], "F2.8 HQ plan, level 1"),
    ("event-hq-plan-l2", Level.NONE, DAY, Clock.CALENDAR, 2 * HOUR, ["supervisor"], "F2.8 HQ plan, level 2"),
    # seed 003 第八条: the phone call after a report / a publication; the calling department's manager is told
    (
        "event-call-report",
        Level.NONE,
        30 * MINUTE,
        Clock.CALENDAR,
        10 * MINUTE,
        ["dept_manager"],
        "F2.8 phone after report",
    ),
    (
        "event-call-publish",
        Level.NONE,
        30 * MINUTE,
        Clock.CALENDAR,
        10 * MINUTE,
        ["dept_manager"],
        "F2.8 phone after publish",
    ),
    # F2.9 / seed 004: the reply limit, which is also the appeal window (a customer not answered by then
    # may appeal to 12300). The seed says "15日" and "15个工作日": the default is the stricter reading,
    # 15 calendar days (an administrator may switch the clock to working days in the admin).
    ("complaint-reply", Level.NONE, 15 * DAY, Clock.CALENDAR, 2 * DAY, ["supervisor"], "F2.9 complaint reply"),
    # Issue 15 §4: the follow-up visit (回访) after the answer.
    ("complaint-follow-up", Level.NONE, 2 * DAY, Clock.CALENDAR, 4 * HOUR, ["supervisor"], "F2.9 follow-up visit"),
    # R1.13 / R1.11: due times fixed by the app (the requested feedback time; the end of the next
    # working day after the call); the duration is only a fallback.
    (
        "contact-feedback",
        Level.NONE,
        DAY,
        Clock.CALENDAR,
        2 * HOUR,
        ["front_admin", "back_admin", "back_member"],
        "R1.13 work contact order feedback",
    ),
    ("phone-backfill", Level.NONE, DAY, Clock.WORKING_DAYS, 2 * HOUR, ["front_admin"], "R1.11 phone dispatch backfill"),
    # B4.5: restriction and restore work orders of 网络监控中心 (assessed to it; its people are told).
    (
        "work-order-restrict",
        Level.NONE,
        DAY,
        Clock.WORKING_DAYS,
        2 * HOUR,
        ["back_admin", "back_member"],
        "B4.5 restriction work order",
    ),
    (
        "work-order-restore",
        Level.NONE,
        4 * HOUR,
        Clock.CALENDAR,
        HOUR,
        ["back_admin", "back_member"],
        "B4.5 restore work order",
    ),
    # Seed 002 (限期整改): a rectification notice is answered by the responsible department (assessed to
    # it; its manager is told). The seed names no limit: 5 working days, warned a day before.
    (
        "rectification-answer",
        Level.NONE,
        5 * DAY,
        Clock.WORKING_DAYS,
        DAY,
        ["dept_manager"],
        "Seed 002 rectification notice answer",
    ),
]

# F2.3: supervisor at 5 minutes, department manager at 15, leader in charge at 30.
FAULT_LADDER = [
    (timedelta(minutes=5), "supervisor", "Supervisor (5 min)", ["inapp", "sms"], "supervisor"),
    (timedelta(minutes=15), "dept_manager", "Department manager (15 min)", ["inapp", "sms", "email"], "dept_manager"),
    (timedelta(minutes=30), "leader", "Leader in charge (30 min)", ["inapp", "sms", "email"], "leader"),
]


@transaction.atomic
def load_sla_defaults() -> None:
    ladder, created = EscalationLadder.objects.get_or_create(
        code="fault-5-15-30", defaults={"name": "F2.3 fault escalation 5/15/30 min"}
    )
    if created:
        for position, (offset, role, label, channels, reassign) in enumerate(FAULT_LADDER, start=1):
            EscalationRung.objects.create(
                ladder=ladder,
                position=position,
                offset=offset,
                notify_role=role,
                label=label,
                channels=channels,
                reassign_to_role=reassign,
            )
    for kind, level, duration, clock, warn, roles, description in POLICIES:
        SlaPolicy.objects.get_or_create(
            kind=kind,
            level=level,
            defaults={
                "duration": duration,
                "clock": clock,
                "warn_before": warn,
                "notify_roles": roles,
                "description": description,
                "ladder": ladder if kind == "fault-repair" else None,
            },
        )
    from .pause_defaults import load_pause_reasons

    load_pause_reasons()

"""Load the policies and pause reasons issue 13 added on a database that already has the older ones
(a new database gets them from ``seed_demo`` / ``load_sla_defaults``). Idempotent: rows an
administrator already has are left as they are."""

from django.db import migrations

NEW_KINDS = {"contact-feedback", "phone-backfill"}


def load(apps, schema_editor):
    from sla.defaults import POLICIES
    from sla.pause_defaults import PAUSE_REASONS

    policy = apps.get_model("sla", "SlaPolicy")
    if policy.objects.exists():  # an existing installation: add only what is new
        for kind, level, duration, clock, warn, roles, description in POLICIES:
            if kind in NEW_KINDS:
                policy.objects.get_or_create(
                    kind=kind,
                    level=level,
                    defaults={"duration": duration, "clock": clock, "warn_before": warn, "notify_roles": roles,
                              "description": description},
                )  # fmt: skip
        reason = apps.get_model("sla", "PauseReason")
        for position, (code, name, request_roles, approve_roles, subjects) in enumerate(PAUSE_REASONS, start=1):
            reason.objects.get_or_create(
                code=code,
                defaults={"name": name, "request_roles": request_roles, "approve_roles": approve_roles,
                          "subjects": subjects, "position": position},
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("sla", "0010_pause_pauses")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""On a database that already has policies, add every policy of ``sla.defaults.POLICIES`` it lacks
(issues 14 and 15 added phone follow-ups, rectification notices, complaint follow-up visits …); a new
database gets them all from ``seed_demo`` / ``load_sla_defaults``. Idempotent: a policy an
administrator already has (changed or not) is left as it is. A later policy needs a migration like
this one."""

from django.db import migrations


def load(apps, schema_editor):
    from sla.defaults import POLICIES

    policy = apps.get_model("sla", "SlaPolicy")
    if not policy.objects.exists():
        return
    for kind, level, duration, clock, warn, roles, description in POLICIES:
        policy.objects.get_or_create(
            kind=kind,
            level=level,
            defaults={"duration": duration, "clock": clock, "warn_before": warn, "notify_roles": roles,
                      "description": description},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("sla", "0011_issue13_defaults")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

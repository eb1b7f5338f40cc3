"""B4.5: restriction and restore work orders get a workflow (open → accepted → done; cancelled).

Existing rows with a done time are done, the rest open. On a database that already has SLA
policies, the two work-order kinds are added (a new database gets them from ``seed_demo`` /
``load_sla_defaults``); rows an administrator already has are left as they are."""

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


NEW_KINDS = {"work-order-restrict", "work-order-restore"}


def forwards(apps, schema_editor):
    from sla.defaults import POLICIES

    work_order = apps.get_model("billing", "ServiceWorkOrder")
    work_order.objects.filter(done_at__isnull=False).update(state="done")
    policy = apps.get_model("sla", "SlaPolicy")
    if policy.objects.exists():
        for kind, level, duration, clock, warn, roles, description in POLICIES:
            if kind in NEW_KINDS:
                policy.objects.get_or_create(
                    kind=kind,
                    level=level,
                    defaults={"duration": duration, "clock": clock, "warn_before": warn, "notify_roles": roles,
                              "description": description},
                )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0006_products"),
        ("org", "0002_content_types"),
        ("sla", "0011_issue13_defaults"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="serviceworkorder",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="accepted at"),
        ),
        migrations.AddField(
            model_name="serviceworkorder",
            name="accepted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="accepted by",
            ),
        ),
        migrations.AddField(
            model_name="serviceworkorder",
            name="done_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="done by",
            ),
        ),
        migrations.AddField(
            model_name="serviceworkorder",
            name="state",
            field=django_fsm.FSMField(
                choices=[("open", "Open"), ("accepted", "Accepted"), ("done", "Done"), ("cancelled", "Cancelled")],
                default="open",
                max_length=50,
                protected=True,
                verbose_name="state",
            ),
        ),
        migrations.AddIndex(
            model_name="serviceworkorder",
            index=models.Index(fields=["department", "state"], name="work_order_queue_idx"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

"""F2.5: a problem is closed with its root cause and fix. Seed 002: rectification notices (整改通知).

On a database that already has SLA policies, the ``rectification-answer`` policy is added (a new
database gets it from ``seed_demo`` / ``load_sla_defaults``); a row an administrator has is left as it is."""

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models

NEW_KINDS = {"rectification-answer"}


def forwards(apps, schema_editor):
    from sla.defaults import POLICIES

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
        ("faults", "0002_event_calls"),
        ("org", "0002_content_types"),
        ("sla", "0011_issue13_defaults"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="problem",
            name="fix",
            field=models.TextField(blank=True, verbose_name="fix"),
        ),
        migrations.AddField(
            model_name="problem",
            name="root_cause",
            field=models.TextField(blank=True, verbose_name="root cause"),
        ),
        migrations.CreateModel(
            name="RectificationNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("content", models.TextField(verbose_name="content")),
                ("issued_at", models.DateTimeField(verbose_name="issued at")),
                ("due_at", models.DateTimeField(verbose_name="rectify by")),
                (
                    "state",
                    django_fsm.FSMField(
                        choices=[("issued", "Issued"), ("answered", "Answered"), ("closed", "Closed")],
                        default="issued",
                        max_length=50,
                        protected=True,
                        verbose_name="state",
                    ),
                ),
                ("answer", models.TextField(blank=True, verbose_name="answer")),
                (
                    "evidence_file",
                    models.FileField(blank=True, upload_to="rectifications/%Y/%m/", verbose_name="evidence file"),
                ),
                ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="answered at")),
                ("rejections", models.PositiveSmallIntegerField(default=0, verbose_name="answers rejected")),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed at")),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "issued_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="issued by",
                    ),
                ),
                (
                    "issuing_department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.department",
                        verbose_name="issuing department",
                    ),
                ),
                (
                    "problem",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="faults.problem",
                        verbose_name="problem",
                    ),
                ),
                (
                    "quality_event",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="faults.qualityevent",
                        verbose_name="quality event",
                    ),
                ),
                (
                    "ticket",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="faults.faultticket",
                        verbose_name="fault ticket",
                    ),
                ),
                (
                    "to_department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.department",
                        verbose_name="responsible department",
                    ),
                ),
            ],
            options={
                "verbose_name": "rectification notice",
                "verbose_name_plural": "rectification notices",
                "ordering": ["-issued_at", "-id"],
                "indexes": [models.Index(fields=["to_department", "state"], name="rectification_queue_idx")],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

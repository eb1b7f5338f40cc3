"""Issue 15 §4: complaint intake (channel, customer, linked order / ticket), the follow-up visit (回访),
the 12300 route (stage and an outcome per stage), and the day's level suggestions of open events.

On a database that already has SLA policies the ``complaint-follow-up`` policy is added (a new database
gets it from ``seed_demo`` / ``load_sla_defaults``); a row an administrator already has is left alone."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


NEW_KINDS = {"complaint-follow-up"}


def load_policy(apps, schema_editor):
    from sla.defaults import POLICIES

    policy = apps.get_model("sla", "SlaPolicy")
    if not policy.objects.exists():
        return
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
        ("billing", "0008_adjust_four_eyes"),
        ("faults", "0003_problems_rectifications"),
        ("sla", "0011_issue13_defaults"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="appeal_stage",
            field=models.CharField(
                blank=True,
                choices=[
                    ("provincial", "Provincial appeal centre"),
                    ("ministry", "MIIT telecom user appeal centre (12300)"),
                    ("arbitration", "Arbitration"),
                    ("court", "Court"),
                ],
                max_length=12,
                verbose_name="appeal stage",
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="channel",
            field=models.CharField(
                choices=[
                    ("hotline", "Phone / 10000 hotline"),
                    ("12300", "Transferred by 12300"),
                    ("letter", "Letter"),
                    ("walk_in", "Walk-in"),
                    ("online", "Online"),
                ],
                default="hotline",
                max_length=10,
                verbose_name="channel",
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="customer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="billing.customer",
                verbose_name="billing customer",
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="fault_ticket",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="complaints",
                to="faults.faultticket",
                verbose_name="fault ticket",
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="follow_up_outcome",
            field=models.TextField(blank=True, verbose_name="follow-up visit outcome"),
        ),
        migrations.AddField(
            model_name="complaint",
            name="followed_up_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="follow-up visit at"),
        ),
        migrations.AddField(
            model_name="complaint",
            name="followed_up_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="order_number",
            field=models.CharField(blank=True, max_length=30, verbose_name="order number"),
        ),
        migrations.CreateModel(
            name="ComplaintAppealStep",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("provincial", "Provincial appeal centre"),
                            ("ministry", "MIIT telecom user appeal centre (12300)"),
                            ("arbitration", "Arbitration"),
                            ("court", "Court"),
                        ],
                        max_length=12,
                        verbose_name="appeal stage",
                    ),
                ),
                ("outcome", models.TextField(verbose_name="outcome")),
                ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                (
                    "complaint",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="appeal_steps", to="faults.complaint"
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "appeal stage outcome",
                "verbose_name_plural": "appeal stage outcomes",
                "ordering": ["recorded_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="EventLevelSuggestion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="day")),
                (
                    "suggested_level",
                    models.CharField(
                        choices=[
                            ("", "No warning"),
                            ("yellow", "Yellow (needs attention)"),
                            ("orange", "Orange (major)"),
                            ("red", "Red (especially major)"),
                        ],
                        max_length=10,
                        verbose_name="suggested level",
                    ),
                ),
                ("reason", models.CharField(max_length=200, verbose_name="reason")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="suggested at")),
                ("applied_at", models.DateTimeField(blank=True, null=True, verbose_name="applied at")),
                (
                    "applied_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="level_suggestions",
                        to="faults.qualityevent",
                    ),
                ),
            ],
            options={
                "verbose_name": "level suggestion",
                "verbose_name_plural": "level suggestions",
                "ordering": ["-day", "-id"],
                "constraints": [models.UniqueConstraint(fields=("event", "day"), name="event_suggestion_per_day")],
            },
        ),
        migrations.RunPython(load_policy, migrations.RunPython.noop),
    ]

"""Issue 11: one open (requested or approved) special order per step (R1.10).

Steps that already hold several open special orders keep one — the approved one if any (it pauses
the clock), else the earliest request — and the others are rejected, so the constraint can be added.
"""

from django.db import migrations, models
from django.db.models import Count
from django.utils import timezone

OPEN = ["requested", "approved"]


def keep_one_open(apps, schema_editor):
    SpecialOrder = apps.get_model("responses", "SpecialOrder")
    crowded = (
        SpecialOrder.objects.filter(state__in=OPEN)
        .values("step_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("step_id", flat=True)
    )
    now = timezone.now()
    for step_id in list(crowded):
        open_ones = list(SpecialOrder.objects.filter(step_id=step_id, state__in=OPEN).order_by("requested_at", "id"))
        kept = next((s for s in open_ones if s.state == "approved"), open_ones[0])
        extra = [s.pk for s in open_ones if s.pk != kept.pk]
        SpecialOrder.objects.filter(pk__in=extra, state="requested").update(state="rejected", decided_at=now)
        SpecialOrder.objects.filter(pk__in=extra, state="approved").update(state="closed", closed_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0004_month_report"),
    ]

    operations = [
        migrations.RunPython(keep_one_open, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="specialorder",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", ["requested", "approved"])),
                fields=("step",),
                name="special_one_open_per_step",
            ),
        ),
    ]

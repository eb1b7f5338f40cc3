"""Issue 11: every deadline names the department that answers for it.

Deadlines started before without an assessed department get the one the code names now
(provisioning and requisitions: the Center; new builds: 网络建设部), and the default policies
that told nobody get the roles of ``sla.defaults`` — only where they still hold the old default,
so an administrator's edits stay.
"""

from django.db import migrations

OLD_TO_NEW_ROLES = {
    "order-provisioning": (["back_admin"], ["dispatcher"]),  # answered for by the Center (R1.3)
    "requisition": (["dispatcher"], ["dispatcher", "back_admin"]),
    "order-confirmation": ([], ["front_admin"]),
    "fault-broadcast": ([], ["supervisor"]),
}


def forwards(apps, schema_editor):
    Department = apps.get_model("org", "Department")
    Deadline = apps.get_model("sla", "Deadline")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    center = Department.objects.filter(side="center").order_by("pk").first()
    netbuild = Department.objects.filter(code="netbuild").first() or center
    if center is not None:
        unassessed = Deadline.objects.filter(assessed_department__isnull=True)
        unassessed.filter(kind__in=["order-provisioning", "requisition"]).update(assessed_department=center)
        unassessed.filter(kind="order-new-build").update(assessed_department=netbuild)
    for policy in SlaPolicy.objects.filter(kind__in=OLD_TO_NEW_ROLES):
        old, new = OLD_TO_NEW_ROLES[policy.kind]
        if list(policy.notify_roles or []) == old:
            policy.notify_roles = new
            policy.save(update_fields=["notify_roles"])
            Deadline.objects.filter(kind=policy.kind, level=policy.level, notify_roles=old).exclude(
                state__in=["met", "cancelled"]
            ).update(notify_roles=new)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("sla", "0005_covering_dashboard_indexes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

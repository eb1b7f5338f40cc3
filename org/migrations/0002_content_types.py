"""The organisation's content types follow it from ``accounts`` to ``org`` (issue 12 §3).

A database created before the move holds content types (and the permissions and admin log entries
that point at them) labelled ``accounts.department`` and ``accounts.user``; they are relabelled in
place, so no permission is lost and no duplicate is created. A new database has none to relabel.
"""

from django.db import migrations

MODELS = ["department", "user"]


def relabel(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, "accounts", "org")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, "org", "accounts")


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

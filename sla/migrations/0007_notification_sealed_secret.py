from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0006_accountable_deadlines"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="sealed_secret",
            field=models.TextField(blank=True, default="", editable=False),
        ),
    ]

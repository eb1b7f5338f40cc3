"""B4.4, issue 14 §3: adjustments under four eyes (requested → approved / rejected).

``created_by`` becomes ``requested_by``; the adjustments that exist were invoiced without a second
person before, so they become ``approved`` (new ones start ``requested``). Amounts are signed; an
existing negative amount is a credit, a positive one a debit."""

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0007_wo_work_orders'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name='adjustment', old_name='created_by', new_name='requested_by'),
        migrations.AddField(
            model_name='adjustment',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='decided at'),
        ),
        migrations.AddField(
            model_name='adjustment',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AddField(
            model_name='adjustment',
            name='evidence',
            field=models.TextField(blank=True, verbose_name='evidence'),
        ),
        migrations.AddField(
            model_name='adjustment',
            name='evidence_file',
            field=models.FileField(blank=True, upload_to='adjustments/%Y/%m/', verbose_name='evidence file'),
        ),
        migrations.AddField(
            model_name='adjustment',
            name='kind',
            field=models.CharField(choices=[('credit', 'Credit'), ('debit', 'Debit')], default='credit', max_length=8, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='adjustment',
            name='service',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.service', verbose_name='service'),
        ),
        migrations.AddField(
            model_name='adjustment',
            name='state',
            field=django_fsm.FSMField(choices=[('requested', 'Requested'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='approved', max_length=50, protected=True, verbose_name='state'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='adjustment',
            name='state',
            field=django_fsm.FSMField(choices=[('requested', 'Requested'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='requested', max_length=50, protected=True, verbose_name='state'),
        ),
        migrations.RunSQL("UPDATE billing_adjustment SET kind = 'debit' WHERE amount > 0", migrations.RunSQL.noop),
        migrations.AlterField(
            model_name='adjustment',
            name='corrects',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.invoice', verbose_name='corrects invoice'),
        ),
        migrations.AlterField(
            model_name='adjustment',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='requested at'),
        ),
        migrations.AlterField(
            model_name='adjustment',
            name='requested_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by'),
        ),
        migrations.AlterField(
            model_name='adjustment',
            name='customer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='adjustments', to='billing.customer', verbose_name='customer'),
        ),
    ]

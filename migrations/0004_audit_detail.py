from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from audit import triggers

class Migration(migrations.Migration):
    dependencies = [('mandi', '0003_audit_log')]

    initial = False

    operations = [
        ops.AddField(
            model_name='AuditEntry',
            name='detail',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.RunPython(triggers.install_idempotency_index),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from audit import triggers
import functools
from json import dumps, loads
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('mandi', '0002_auth_and_access_grants')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seq', fields.BigIntField(unique=True)),
                ('head_hash', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('key_id', fields.CharField(max_length=16)),
                ('signature', fields.CharField(max_length=128)),
            ],
            options={'table': 'audit_checkpoint', 'app': 'mandi', 'pk_attr': 'id'},
            bases=['AppendOnly'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('seq', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('request_id', fields.CharField(null=True, max_length=32)),
                ('actor_type', fields.CharField(max_length=16)),
                ('actor_id', fields.IntField(null=True)),
                ('on_behalf_of', fields.IntField(null=True)),
                ('organization_id', fields.IntField(null=True, db_index=True)),
                ('action', fields.CharField(max_length=64)),
                ('resource_type', fields.CharField(max_length=64)),
                ('resource_id', fields.CharField(null=True, max_length=64)),
                ('fields_accessed', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('subject', fields.CharField(null=True, max_length=64)),
                ('outcome', fields.CharField(max_length=8)),
                ('justification', fields.CharField(null=True, max_length=500)),
                ('ip', fields.CharField(null=True, max_length=45)),
                ('user_agent', fields.CharField(null=True, max_length=300)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_entry', 'app': 'mandi', 'indexes': [Index(fields=['subject', 'seq']), Index(fields=['actor_type', 'actor_id', 'seq']), Index(fields=['occurred_at'])], 'pk_attr': 'seq'},
            bases=['AppendOnly'],
        ),
        ops.RunPython(triggers.install),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.accounts.models import UserStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from domain.crypto.fields import BlindIndexField

class Migration(migrations.Migration):
    dependencies = [('mandi', '0015_privacy_policy_versions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SignUpConfirmation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('mandi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sign_up_confirmation', 'app': 'mandi', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='User',
            name='status',
            field=fields.CharEnumField(default=UserStatus.ACTIVE, description='PENDING: pending\nACTIVE: active\nSUSPENDED: suspended\nERASED: erased', enum_type=UserStatus, max_length=16),
        ),
        ops.AlterField(
            model_name='Organization',
            name='gstin_index',
            field=BlindIndexField(null=True, db_index=True, source='gstin'),
        ),
        # AlterField drops the unique index; the plain one (db_index) is made here, on both
        # backends (Tortoise's SQLite editor does not add it).
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_organizati_gstin_i_0016" '
            'ON "organization" ("gstin_index")'
        ),
    ]

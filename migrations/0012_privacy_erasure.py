from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.privacy.models import GrantSubject
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('mandi', '0011_privacy_exports')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RetainedRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('model', fields.CharField(max_length=64)),
                ('object_id', fields.BigIntField()),
                ('subject_kind', fields.CharEnumField(description='USER: user\nCUSTOMER: customer', enum_type=GrantSubject, max_length=16)),
                ('subject_id', fields.IntField()),
                ('organization', fields.ForeignKeyField('mandi.Organization', source_field='organization_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('basis', fields.CharField(max_length=200)),
                ('retain_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('request', fields.ForeignKeyField('mandi.PrivacyRequest', source_field='request_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'retained_record', 'app': 'mandi', 'indexes': [Index(fields=['model', 'object_id']), Index(fields=['retain_until'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='PrivacyNotice',
            name='deliver_to_encrypted',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='PrivacyRequest',
            name='receipt',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.privacy.models import GrantSubject, Purpose, RestrictionKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('mandi', '0008_encryption_at_rest')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PrivacyNotice',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subject_kind', fields.CharEnumField(description='USER: user\nCUSTOMER: customer', enum_type=GrantSubject, max_length=16)),
                ('subject_id', fields.IntField()),
                ('organization', fields.ForeignKeyField('mandi.Organization', source_field='organization_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('template', fields.CharField(max_length=64)),
                ('facts', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'privacy_notice', 'app': 'mandi', 'indexes': [Index(fields=['subject_kind', 'subject_id'])], 'pk_attr': 'id', 'table_description': "A message owed to a person about their data (a request's progress, a lifted restriction)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProcessingRestriction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subject_kind', fields.CharEnumField(description='USER: user\nCUSTOMER: customer', enum_type=GrantSubject, max_length=16)),
                ('subject_id', fields.IntField()),
                ('organization', fields.ForeignKeyField('mandi.Organization', source_field='organization_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='RESTRICTION: restriction\nOBJECTION: objection', enum_type=RestrictionKind, max_length=16)),
                ('purpose', fields.CharEnumField(description='ALL: all\nANALYTICS: analytics\nMARKETING: marketing\nPERSONALIZATION: personalization\nPARTNER_SHARING: partner_sharing', enum_type=Purpose, max_length=24)),
                ('requested_by', fields.ForeignKeyField('mandi.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('lift_requested_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lifts_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lifted_by', fields.ForeignKeyField('mandi.User', source_field='lifted_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('lift_reason', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'processing_restriction', 'app': 'mandi', 'indexes': [Index(fields=['subject_kind', 'subject_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]

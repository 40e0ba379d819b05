from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.privacy.models import GrantSubject
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('mandi', '0013_privacy_consent')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BreachIncident',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('nature', fields.CharField(max_length=2000)),
                ('categories', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('approximate_people', fields.IntField()),
                ('likely_consequences', fields.CharField(max_length=2000)),
                ('measures', fields.CharField(max_length=2000)),
                ('detected_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_by', fields.ForeignKeyField('mandi.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('authority_notified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('people_notified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'breach_incident', 'app': 'mandi', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BreachAffected',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('mandi.BreachIncident', source_field='incident_id', db_index=True, db_constraint=True, to_field='id', related_name='affected', on_delete=OnDelete.CASCADE)),
                ('subject_kind', fields.CharEnumField(description='USER: user\nCUSTOMER: customer', enum_type=GrantSubject, max_length=16)),
                ('subject_id', fields.IntField()),
            ],
            options={'table': 'breach_affected', 'app': 'mandi', 'unique_together': (('incident', 'subject_kind', 'subject_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]

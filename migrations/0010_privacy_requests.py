from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.privacy.models import GrantSubject, Purpose
from domain.privacy.request_models import IdentityCheck, Regime, RequestStatus, RequestType
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('mandi', '0009_privacy_restrictions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LegalHold',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subject_kind', fields.CharEnumField(description='USER: user\nCUSTOMER: customer', enum_type=GrantSubject, max_length=16)),
                ('subject_id', fields.IntField()),
                ('organization', fields.ForeignKeyField('mandi.Organization', source_field='organization_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=1000)),
                ('set_by', fields.ForeignKeyField('mandi.User', source_field='set_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('released_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'legal_hold', 'app': 'mandi', 'indexes': [Index(fields=['subject_kind', 'subject_id'])], 'pk_attr': 'id', 'table_description': "A privacy officer's veto on erasing a person's data (litigation, an investigation)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PrivacyRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('type', fields.CharEnumField(description='ACCESS: access\nPORTABILITY: portability\nCORRECTION: correction\nERASURE: erasure\nRESTRICTION: restriction\nOBJECTION: objection\nMINOR_DATA: minor_data', enum_type=RequestType, max_length=16)),
                ('subject_kind', fields.CharEnumField(description='USER: user\nCUSTOMER: customer', enum_type=GrantSubject, max_length=16)),
                ('subject_id', fields.IntField(null=True)),
                ('organization', fields.ForeignKeyField('mandi.Organization', source_field='organization_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('purpose', fields.CharEnumField(null=True, description='ALL: all\nANALYTICS: analytics\nMARKETING: marketing\nPERSONALIZATION: personalization\nPARTNER_SHARING: partner_sharing', enum_type=Purpose, max_length=24)),
                ('regime', fields.CharEnumField(description='GDPR: gdpr\nCCPA: ccpa\nOTHER: other', enum_type=Regime, max_length=8)),
                ('status', fields.CharEnumField(default=RequestStatus.RECEIVED, description='RECEIVED: received\nIN_PROGRESS: in_progress\nCOMPLETED: completed\nDENIED: denied', enum_type=RequestStatus, max_length=16)),
                ('identity_check', fields.CharEnumField(description='RECENT_REAUTHENTICATION: recent_reauthentication\nVERIFIED_EMAIL: verified_email\nVERIFIED_PHONE: verified_phone\nNOT_REQUIRED: not_required', enum_type=IdentityCheck, max_length=24)),
                ('requested_by', fields.ForeignKeyField('mandi.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('handler', fields.ForeignKeyField('mandi.User', source_field='handler_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('original_due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('extended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('extension_reason', fields.CharField(null=True, max_length=1000)),
                ('denial_reason', fields.CharField(null=True, max_length=1000)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'privacy_request', 'app': 'mandi', 'indexes': [Index(fields=['subject_kind', 'subject_id']), Index(fields=['status', 'due_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PrivacyRequestEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('mandi.PrivacyRequest', source_field='request_id', db_index=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(description='RECEIVED: received\nIN_PROGRESS: in_progress\nCOMPLETED: completed\nDENIED: denied', enum_type=RequestStatus, max_length=16)),
                ('step', fields.CharField(max_length=32)),
                ('actor', fields.ForeignKeyField('mandi.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('note', fields.CharField(null=True, max_length=1000)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'privacy_request_event', 'app': 'mandi', 'pk_attr': 'id', 'table_description': "One step of a request's history: its status after the step, who took it, why."},
            bases=['Model'],
        ),
    ]

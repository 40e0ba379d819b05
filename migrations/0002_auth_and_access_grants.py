from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.accounts.auth_models import LoginOutcome
from domain.privacy.models import GrantSubject
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('mandi', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AccessGrant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('grantee', fields.ForeignKeyField('mandi.User', source_field='grantee_id', db_index=True, db_constraint=True, to_field='id', related_name='access_grants', on_delete=OnDelete.CASCADE)),
                ('subject_kind', fields.CharEnumField(description='USER: user\nCUSTOMER: customer', enum_type=GrantSubject, max_length=16)),
                ('subject_id', fields.IntField()),
                ('organization', fields.ForeignKeyField('mandi.Organization', source_field='organization_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('justification', fields.CharField(max_length=500)),
                ('created_by', fields.ForeignKeyField('mandi.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'access_grant', 'app': 'mandi', 'indexes': [Index(fields=['subject_kind', 'subject_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EmailOutbox',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('mandi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('to_address', fields.CharField(max_length=254)),
                ('template', fields.CharField(max_length=64)),
                ('body_encrypted', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'email_outbox', 'app': 'mandi', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginChallenge',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('mandi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_challenge', 'app': 'mandi', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('mandi.User', source_field='user_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='login_events', on_delete=OnDelete.CASCADE)),
                ('outcome', fields.CharEnumField(description='SUCCESS: success\nBAD_CREDENTIALS: bad_credentials\nMFA_REQUIRED: mfa_required\nMFA_FAILED: mfa_failed\nLOCKED: locked', enum_type=LoginOutcome, max_length=16)),
                ('ip', fields.CharField(null=True, max_length=45)),
                ('user_agent', fields.CharField(null=True, max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'login_event', 'app': 'mandi', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PartnerToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('mandi.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='partner_tokens', on_delete=OnDelete.CASCADE)),
                ('created_by', fields.ForeignKeyField('mandi.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='partner_tokens', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('prefix', fields.CharField(unique=True, max_length=16)),
                ('secret_hash', fields.CharField(max_length=64)),
                ('scopes', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'partner_token', 'app': 'mandi', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PasswordReset',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('mandi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'password_reset', 'app': 'mandi', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecoveryCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('mandi.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='recovery_codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(max_length=64)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'recovery_code', 'app': 'mandi', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='User',
            name='mfa_enabled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='mfa_last_step',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='User',
            name='mfa_secret_encrypted',
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name='User',
            name='password_changed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='WebSession',
            name='reauthenticated_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]

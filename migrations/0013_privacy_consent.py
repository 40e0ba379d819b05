from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.privacy.consent_models import ConsentMethod, ConsentPurpose
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('mandi', '0012_privacy_erasure')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ConsentEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('mandi.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('purpose', fields.CharEnumField(description='MARKETING_EMAIL: marketing_email\nANALYTICS: analytics\nPERSONALIZATION: personalization\nCOOKIES_FUNCTIONAL: cookies_functional\nCOOKIES_ANALYTICS: cookies_analytics\nCOOKIES_ADVERTISING: cookies_advertising\nSALE_OR_SHARING: sale_or_sharing', enum_type=ConsentPurpose, max_length=24)),
                ('granted', fields.BooleanField()),
                ('method', fields.CharEnumField(description='CHOICE: choice\nOPT_OUT: opt_out\nGPC: gpc', enum_type=ConsentMethod, max_length=8)),
                ('policy_version', fields.CharField(null=True, max_length=32)),
                ('notice_digest', fields.CharField(null=True, max_length=64)),
                ('ip_truncated', fields.CharField(null=True, max_length=45)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'consent_event', 'app': 'mandi', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]

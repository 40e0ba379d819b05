from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.crypto.fields import BlindIndexField, RowUidField, SealedField, new_row_uid
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('mandi', '0017_one_listing_per_connection')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EmailChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('mandi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('new_email', SealedField(moment=False)),
                ('new_email_index', BlindIndexField(db_index=True, source='new_email')),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('row_uid', RowUidField(null=True, default=new_row_uid)),
            ],
            options={'table': 'email_change', 'app': 'mandi', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.crypto.fields import BlindIndexField, RowUidField, SealedField, new_row_uid
from tortoise.migrations.constraints import UniqueConstraint
from domain.crypto.migration_steps import AlterFieldType, check_foreign_keys, remember_indexes, restore_indexes, seal_existing_rows

class Migration(migrations.Migration):
    dependencies = [('mandi', '0007_marketplace_sync')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Customer',
            name=None,
            fields=['organization_id', 'email'],
        ),
        ops.RunPython(remember_indexes),
        ops.AlterField(
            model_name='Customer',
            name='email',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='Customer',
            name='name',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='Customer',
            name='phone',
            field=SealedField(null=True, moment=False),
        ),
        ops.AddField(
            model_name='Customer',
            name='email_index',
            field=BlindIndexField(null=True, source='email'),
        ),
        ops.AddField(
            model_name='Customer',
            name='row_uid',
            field=RowUidField(null=True, default=new_row_uid),
        ),
        ops.AddConstraint(
            model_name='Customer',
            constraint=UniqueConstraint(fields=('organization', 'email_index'), name=None),
        ),
        ops.AlterField(
            model_name='CustomerAddress',
            name='city',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='CustomerAddress',
            name='country',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='CustomerAddress',
            name='line1',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='CustomerAddress',
            name='line2',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='CustomerAddress',
            name='postal_code',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='CustomerAddress',
            name='state',
            field=SealedField(null=True, moment=False),
        ),
        ops.AddField(
            model_name='CustomerAddress',
            name='row_uid',
            field=RowUidField(null=True, default=new_row_uid),
        ),
        ops.AlterField(
            model_name='EmailOutbox',
            name='to_address',
            field=SealedField(moment=False),
        ),
        ops.AddField(
            model_name='EmailOutbox',
            name='row_uid',
            field=RowUidField(null=True, default=new_row_uid),
        ),
        ops.AlterField(
            model_name='LoginEvent',
            name='ip',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='LoginEvent',
            name='user_agent',
            field=SealedField(null=True, moment=False),
        ),
        ops.AddField(
            model_name='LoginEvent',
            name='row_uid',
            field=RowUidField(null=True, default=new_row_uid),
        ),
        ops.AlterField(
            model_name='Order',
            name='shipping_city',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='Order',
            name='shipping_country',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='Order',
            name='shipping_line1',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='Order',
            name='shipping_line2',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='Order',
            name='shipping_name',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='Order',
            name='shipping_phone',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='Order',
            name='shipping_postal_code',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='Order',
            name='shipping_state',
            field=SealedField(null=True, moment=False),
        ),
        ops.AddField(
            model_name='Order',
            name='row_uid',
            field=RowUidField(null=True, default=new_row_uid),
        ),
        ops.AlterField(
            model_name='Organization',
            name='address_line1',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='Organization',
            name='address_line2',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='Organization',
            name='city',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='Organization',
            name='gstin',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='Organization',
            name='postal_code',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='Organization',
            name='state',
            field=SealedField(null=True, moment=False),
        ),
        ops.AddField(
            model_name='Organization',
            name='gstin_index',
            field=BlindIndexField(null=True, unique=True, source='gstin'),
        ),
        ops.AddField(
            model_name='Organization',
            name='row_uid',
            field=RowUidField(null=True, default=new_row_uid),
        ),
        ops.AlterField(
            model_name='Ticket',
            name='subject',
            field=SealedField(moment=False),
        ),
        ops.AddField(
            model_name='Ticket',
            name='row_uid',
            field=RowUidField(null=True, default=new_row_uid),
        ),
        ops.AlterField(
            model_name='TicketMessage',
            name='body',
            field=SealedField(moment=False),
        ),
        ops.AddField(
            model_name='TicketMessage',
            name='row_uid',
            field=RowUidField(null=True, default=new_row_uid),
        ),
        AlterFieldType(
            model_name='User',
            name='adult_attested_at',
            field=SealedField(moment=True),
        ),
        ops.AlterField(
            model_name='User',
            name='country',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='User',
            name='email',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='User',
            name='full_name',
            field=SealedField(moment=False),
        ),
        ops.AlterField(
            model_name='User',
            name='phone',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='User',
            name='username',
            field=SealedField(moment=False),
        ),
        ops.AddField(
            model_name='User',
            name='email_index',
            field=BlindIndexField(null=True, unique=True, source='email'),
        ),
        ops.AddField(
            model_name='User',
            name='row_uid',
            field=RowUidField(null=True, default=new_row_uid),
        ),
        ops.AddField(
            model_name='User',
            name='username_index',
            field=BlindIndexField(null=True, unique=True, source='username'),
        ),
        ops.AlterField(
            model_name='WebSession',
            name='ip',
            field=SealedField(null=True, moment=False),
        ),
        ops.AlterField(
            model_name='WebSession',
            name='user_agent',
            field=SealedField(null=True, moment=False),
        ),
        ops.AddField(
            model_name='WebSession',
            name='row_uid',
            field=RowUidField(null=True, default=new_row_uid),
        ),
        ops.AlterField(
            model_name='Shipment',
            name='tracking_number',
            field=SealedField(moment=False),
        ),
        ops.AddField(
            model_name='Shipment',
            name='row_uid',
            field=RowUidField(null=True, default=new_row_uid),
        ),
        # Existing clear values are sealed in place, then a user's indexes become required.
        ops.RunPython(seal_existing_rows),
        ops.AlterField(
            model_name='User',
            name='email_index',
            field=BlindIndexField(unique=True, source='email'),
        ),
        ops.AlterField(
            model_name='User',
            name='username_index',
            field=BlindIndexField(unique=True, source='username'),
        ),
        ops.RunPython(restore_indexes),
        ops.RunPython(check_foreign_keys),
    ]

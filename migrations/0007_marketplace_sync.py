from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.marketplaces.sync_models import JobKind, JobStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('mandi', '0004_audit_detail')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Shipment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('mandi.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('order', fields.ForeignKeyField('mandi.Order', source_field='order_id', db_index=True, db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('mandi.Customer', source_field='customer_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('carrier', fields.CharField(max_length=64)),
                ('tracking_number', fields.CharField(max_length=64)),
                ('shipped_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reported_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('remote_id', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'marketplace_shipment', 'app': 'mandi', 'pk_attr': 'id', 'table_description': "An order's parcel: what fulfilment sync reports to the marketplace."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SyncJob',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('mandi.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('connection', fields.ForeignKeyField('mandi.MarketplaceConnection', source_field='connection_id', db_constraint=True, to_field='id', related_name='jobs', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='PUBLISH_LISTING: publish_listing\nPUSH_STOCK: push_stock\nPULL_ORDERS: pull_orders\nPUSH_FULFILMENT: push_fulfilment\nPULL_REPORT: pull_report', enum_type=JobKind, max_length=20)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('open_key', fields.CharField(null=True, max_length=128)),
                ('status', fields.CharEnumField(default=JobStatus.QUEUED, description='QUEUED: queued\nRUNNING: running\nSUCCEEDED: succeeded\nDEAD: dead\nCANCELLED: cancelled', enum_type=JobStatus, max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('run_after', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('locked_by', fields.CharField(null=True, max_length=64)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error_code', fields.CharField(null=True, max_length=32)),
                ('last_error_detail', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'marketplace_sync_job', 'app': 'mandi', 'unique_together': (('connection', 'open_key'),), 'indexes': [Index(fields=['status', 'run_after'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Disclosure',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('mandi.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('connection', fields.ForeignKeyField('mandi.MarketplaceConnection', source_field='connection_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('recipient', fields.CharField(max_length=100)),
                ('recipient_country', fields.CharField(max_length=2)),
                ('subject_kind', fields.CharField(max_length=16)),
                ('subject_id', fields.IntField()),
                ('categories', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('purpose', fields.CharField(max_length=32)),
                ('legal_basis', fields.CharField(max_length=64)),
                ('transfer_safeguard', fields.CharField(null=True, max_length=200)),
                ('job', fields.ForeignKeyField('mandi.SyncJob', source_field='job_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('disclosed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'disclosure', 'app': 'mandi', 'indexes': [Index(fields=['subject_kind', 'subject_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='MarketplaceConnection',
            name='connected_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MarketplaceConnection',
            name='connected_by',
            field=fields.ForeignKeyField('mandi.User', source_field='connected_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='MarketplaceConnection',
            name='credentials_encrypted',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='MarketplaceConnection',
            name='disconnected_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MarketplaceConnection',
            name='last_error_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MarketplaceConnection',
            name='last_error_code',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name='MarketplaceConnection',
            name='last_success_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MarketplaceConnection',
            name='orders_pulled_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MarketplaceConnection',
            name='settings',
            field=fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('mandi', '0016_account_enumeration')]

    initial = False

    operations = [
        # Two publish jobs at once could each create a listing of one product on one
        # connection; keep the newest of such twins before the constraint forbids them.
        ops.RunSQL(
            'DELETE FROM "listing" WHERE "id" NOT IN '
            '(SELECT MAX("id") FROM "listing" GROUP BY "connection_id", "product_id")'
        ),
        ops.AddConstraint(
            model_name='Listing',
            constraint=UniqueConstraint(fields=('connection', 'product'), name=None),
        ),
    ]

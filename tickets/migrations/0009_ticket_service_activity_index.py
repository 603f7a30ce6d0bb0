"""The staff search reads each service's matches in activity order (issue 22).

It ranks the 300 most recently active matches per visibility branch instead of every match:
"imprimante blocage" for an agent at 1,000,000 tickets went from a bitmap of 5,096 rows, ranked
and joined (411 ms), to an ordered walk of this index (18-29 ms, EXPLAIN ANALYZE in the commit).
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_email_only_and_bounces'),
        ('catalogue', '0002_category_help_and_slug_validation'),
        ('tickets', '0008_open_ticket_activity_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['service', '-last_activity_at', '-id'], name='tickets_service_activity'),
        ),
    ]

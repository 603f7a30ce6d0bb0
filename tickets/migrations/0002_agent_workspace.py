"""Agent workspace: saved responses, saved filters, bookmarks, recent views, new event
actions (duplicate, merge, watcher) and, on PostgreSQL only, the GIN indexes of
the staff full-text search (built from ``tickets.agent.fts``, so the query's
expressions match them; the ``french_unaccent`` configuration comes from
knowledge's migration 0002)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


FTS_INDEXES = [("Ticket", "tickets_ticket_fts", "ticket_vector"), ("Message", "tickets_message_fts", "message_vector")]


def add_fts_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.indexes import GinIndex

    from tickets.agent import fts

    for model, name, expression in FTS_INDEXES:
        schema_editor.add_index(apps.get_model("tickets", model), GinIndex(getattr(fts, expression)(), name=name))


def drop_fts_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _model, name, _expression in FTS_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0002_category_help_and_slug_validation'),
        ('tickets', '0001_initial'),
        ('knowledge', '0002_postgres_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='ticketevent',
            name='action',
            field=models.CharField(choices=[('file', 'a déposé la demande'), ('follow_up', 'a déposé une demande de suite'), ('take', 'a pris en charge la demande'), ('assign', 'a confié la demande'), ('reject', 'a rejeté la demande'), ('ask', 'a posé une question'), ('answer', 'a répondu à la question'), ('propose', 'a proposé une réponse'), ('approve', 'a validé la réponse'), ('refuse', 'a refusé la réponse'), ('await_decision', 'a mis la demande en attente de décision'), ('await_development', 'a mis la demande en attente de développement'), ('resume', 'a repris le traitement'), ('exclude', 'a exclu la demande'), ('withdraw', 'a abandonné la demande'), ('expire', 'clôture automatique faute de réponse'), ('remind', 'relance automatique'), ('add_information', 'a ajouté une information'), ('reply', 'a répondu'), ('internal_note', 'a ajouté une note interne'), ('requalify', 'a requalifié la demande'), ('duplicate', 'a marqué la demande comme doublon'), ('merge', 'a rattaché un doublon'), ('add_watcher', 'a ajouté un observateur')], max_length=20, verbose_name='action'),
        ),
        migrations.CreateModel(
            name='Bookmark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tickets.ticket')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bookmarks', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'signet',
                'verbose_name_plural': 'signets',
                'ordering': ['-created', '-pk'],
                'constraints': [models.UniqueConstraint(fields=('user', 'ticket'), name='tickets_bookmark_unique')],
            },
        ),
        migrations.CreateModel(
            name='RecentView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('viewed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tickets.ticket')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recent_views', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'consultation récente',
                'verbose_name_plural': 'consultations récentes',
                'indexes': [models.Index(fields=['user', '-viewed_at'], name='tickets_recent_user'), models.Index(fields=['ticket', '-viewed_at'], name='tickets_recent_ticket')],
                'constraints': [models.UniqueConstraint(fields=('user', 'ticket'), name='tickets_recent_view_unique')],
            },
        ),
        migrations.CreateModel(
            name='SavedFilter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='nom')),
                ('query', models.CharField(max_length=1000, verbose_name='filtre')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='saved_filters', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'filtre enregistré',
                'verbose_name_plural': 'filtres enregistrés',
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(fields=('user', 'name'), name='tickets_saved_filter_unique')],
            },
        ),
        migrations.CreateModel(
            name='SavedResponse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='titre')),
                ('body', models.TextField(verbose_name='texte')),
                ('updated', models.DateTimeField(auto_now=True, verbose_name='modifiée le')),
                ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='saved_responses', to='catalogue.service', verbose_name='service')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'réponse enregistrée',
                'verbose_name_plural': 'réponses enregistrées',
                'ordering': ['service', 'title'],
                'constraints': [models.UniqueConstraint(fields=('service', 'title'), name='tickets_saved_response_unique')],
            },
        ),
        migrations.RunPython(add_fts_indexes, drop_fts_indexes),
]

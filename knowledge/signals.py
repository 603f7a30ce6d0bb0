"""The knowledge base's domain signal: ``article_published`` (sender=Article, article=<Article>), sent by
``knowledge.services.article_publish`` inside its transaction (webhooks write their outbox rows there)."""

from django.dispatch import Signal

article_published = Signal()

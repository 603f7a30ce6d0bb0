import pytest
from django.conf import settings

from helpdesk.tasks import ping


@pytest.mark.django_db(transaction=True)
def test_task_is_executed_by_a_real_worker(celery_worker):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"


def test_broker_is_redis_when_redis_url_set():
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"


def test_beat_schedule_declared_in_one_place():
    from helpdesk.celery import app
    from helpdesk.schedule import BEAT_SCHEDULE

    app.loader.import_default_modules()
    assert app.conf.beat_schedule == BEAT_SCHEDULE
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks

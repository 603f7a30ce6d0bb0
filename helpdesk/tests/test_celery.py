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


def test_beat_sends_its_tasks_without_touching_the_result_backend():
    """Beat must not subscribe to Redis results: that subscriber is what logged
    "must be restarted" after ~20 s without Redis (issue 23)."""
    from celery import Celery
    from celery.beat import ScheduleEntry, Scheduler

    from helpdesk.schedule import BEAT_SCHEDULE
    from helpdesk.testing.redis import RedisServer

    redis = RedisServer()
    redis.start()
    try:
        app = Celery("beat-test", broker=redis.url(0), backend=redis.url(1))
        scheduler = Scheduler(app=app, lazy=True)
        entry = BEAT_SCHEDULE["sweep-outbox"]
        scheduler.apply_async(ScheduleEntry(name="sweep-outbox", app=app, **entry), advance=False)
        consumer = app.backend.result_consumer
        assert consumer._pubsub is None  # no Redis subscriber was started
        # Without the option, the same send subscribes (what the option prevents).
        plain = {**entry, "options": {k: v for k, v in entry["options"].items() if k != "ignore_result"}}
        scheduler.apply_async(ScheduleEntry(name="plain", app=app, **plain), advance=False)
        assert consumer._pubsub is not None
        app.close()
    finally:
        redis.stop()

"""The Celery application. Tasks live in each app's ``tasks.py``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("guichet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _install_beat_schedule(sender: Celery, **kwargs: object) -> None:
    from helpdesk.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE

"""Every periodic task of Guichet, declared here and nowhere else.

Each entry says when it runs and why. Tasks are thin: they call a domain
function that selects only the rows that are due.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    # Every 5 minutes: a heartbeat a monitoring probe can look for in the logs
    # and that proves beat and a worker are both alive.
    "heartbeat": {"task": "helpdesk.tasks.heartbeat", "schedule": crontab(minute="*/5")},
    # Every night at 03:40: rebuild the knowledge-base word list used for typo
    # tolerance (saving an article only adds words; this also drops stale ones).
    "knowledge-search-words": {"task": "knowledge.tasks.rebuild_search_words", "schedule": crontab(hour=3, minute=40)},
}

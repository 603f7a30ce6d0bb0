"""Every periodic task of Guichet, declared here and nowhere else.

Each entry says when it runs and why. Tasks are thin: they call a domain
function that selects only the rows that are due.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    # Every 5 minutes: a heartbeat a monitoring probe can look for in the logs
    # and that proves beat and a worker are both alive.
    "heartbeat": {"task": "helpdesk.tasks.heartbeat", "schedule": crontab(minute="*/5")},
    # Every night at 03:40: delete files kept for a new ticket's preview that
    # was never submitted (older than GUICHET_PENDING_UPLOAD_HOURS).
    "tickets-purge-pending-uploads": {
        "task": "tickets.tasks.purge_stale_pending_uploads",
        "schedule": crontab(hour=3, minute=40),
    },
}

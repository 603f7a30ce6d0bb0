"""Every periodic task of Guichet, declared here and nowhere else.

Each entry says when it runs and why. Tasks are thin: they call a domain
function that selects only the rows that are due.
"""

from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings

BEAT_SCHEDULE: dict[str, dict] = {
    # Every minute: webhook deliveries whose retry time has come and whose task was lost (broker down,
    # worker killed); the usual path is a task per delivery queued after the event's commit.
    "webhooks-sweep-deliveries": {
        "task": "webhooks.tasks.sweep_deliveries",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Every 5 minutes: a heartbeat a monitoring probe can look for in the logs
    # and that proves beat and a worker are both alive.
    "heartbeat": {"task": "helpdesk.tasks.heartbeat", "schedule": crontab(minute="*/5")},
    # Every minute: send the outbox rows that are due — retries after an SMTP
    # failure (back-off 1, 2, 4… min), rows whose on-commit task could not be
    # queued (broker down), rows abandoned by a dead worker. Expires after 55 s
    # so that runs do not pile up behind a stopped worker.
    "sweep-outbox": {
        "task": "helpdesk.tasks.sweep_outbox",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Every day at 08:00: one mail to the administrators when mail failed,
    # waits on retries (often a relay refusing us) or is stuck — nobody
    # watches the admin all day. Sent at most once a day per administrator.
    "outbox-problems-summary": {"task": "helpdesk.tasks.send_outbox_summary", "schedule": crontab(hour=8, minute=0)},
    # Every night at 03:50: delete attachment files nothing refers to (a
    # failed write, a crash between the file and its row), older than
    # GUICHET_ORPHAN_FILE_GRACE_HOURS so that uploads in progress are kept.
    "tickets-purge-orphan-files": {
        "task": "tickets.tasks.purge_orphan_files",
        "schedule": crontab(hour=3, minute=50),
    },
    # Every minute: recompute the statistics facts and roll-ups of the tickets changed since
    # the last flush (each workflow action only marks its ticket; statistics reads flush too).
    "stats-flush-facts": {
        "task": "stats.tasks.flush_facts",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Every night at 02:30: recompute the statistics facts that are missing or older than
    # their ticket (each workflow action marks its ticket for the flush; this repairs the rest:
    # tickets imported outside the workflow, a failed update).
    "stats-refresh-facts": {"task": "stats.tasks.refresh_facts", "schedule": crontab(hour=2, minute=30)},
    # Every night at 03:40: rebuild the knowledge-base word list used for typo
    # tolerance (saving an article only adds words; this also drops stale ones).
    "knowledge-search-words": {"task": "knowledge.tasks.rebuild_search_words", "schedule": crontab(hour=3, minute=40)},
    # Every night at 03:40: delete files kept for a new ticket's preview that
    # was never submitted (older than GUICHET_PENDING_UPLOAD_HOURS).
    "tickets-purge-pending-uploads": {
        "task": "tickets.tasks.purge_stale_pending_uploads",
        "schedule": crontab(hour=3, minute=40),
    },
    # Every 5 minutes: remind the requesters whose ARS/AVS reminder date has
    # come (only due tickets, through a partial index; postponed past closure periods).
    "tickets-send-due-reminders": {
        "task": "tickets.tasks.send_due_reminders",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 280},
    },
    # Every 5 minutes, 2 minutes after the reminders: close automatically the
    # ARS (→ ABN) and AVS (→ TER) tickets whose delay ran out — never inside a
    # closure period; two beats at once still close each ticket once.
    "tickets-expire-due-tickets": {
        "task": "tickets.tasks.expire_due_tickets",
        "schedule": crontab(minute="2-59/5"),
        "options": {"expires": 280},
    },
    # Every day at 07:30: the morning digest of new tickets for the agents who
    # chose it instead of one mail per ticket.
    "tickets-queue-digests": {"task": "tickets.tasks.send_queue_digests", "schedule": crontab(hour=7, minute=30)},
    # Every hour at :20: delete requesters' data exports (ZIP files of personal
    # data) whose link has expired (GUICHET_DATA_EXPORT_HOURS).
    "privacy-purge-data-exports": {"task": "privacy.tasks.purge_data_exports", "schedule": crontab(minute=20)},
    # Every night at 02:30: anonymise the closed tickets past their catalogue branch's retention
    # period (GUICHET_RETENTION_MONTHS, SVE: GUICHET_SVE_RETENTION_MONTHS), in batches of
    # GUICHET_ANONYMISE_BATCH_SIZE; a run stopped by its time budget is resumed the next night.
    "tickets-anonymise-due": {
        "task": "tickets.tasks.anonymise_due_tickets",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every night at 03:10: erase the requester accounts warned GUICHET_INACTIVE_ACCOUNT_GRACE_DAYS
    # ago that stayed inactive, then warn by mail those inactive for GUICHET_INACTIVE_ACCOUNT_MONTHS.
    "privacy-inactive-accounts": {
        "task": "privacy.tasks.handle_inactive_accounts",
        "schedule": crontab(hour=3, minute=10),
    },
    # Every night at 04:10: delete the audit trail of staff access older than
    # its own retention period (GUICHET_ACCESS_LOG_MONTHS), in batches.
    "privacy-purge-access-records": {
        "task": "privacy.tasks.purge_access_records",
        "schedule": crontab(hour=4, minute=10),
    },
}


def _imap_mailbox_entries() -> dict[str, dict]:
    """One entry per mailbox of GUICHET_IMAP_MAILBOXES (a slow or unreachable
    one does not delay the others), named ``inbound-imap-<name>``."""
    entries = {}
    for mailbox in settings.GUICHET_IMAP_MAILBOXES:
        every = int(mailbox.get("poll_every", 60))
        entries[f"inbound-imap-{mailbox['name']}"] = {
            "task": "inbound.tasks.poll_mailboxes",
            "schedule": timedelta(seconds=every),
            "args": (mailbox["name"],),
            # A poll not started before the next one is due is dropped, not piled up.
            "options": {"expires": max(every - 5, 5)},
        }
    return entries


# Every `poll_every` seconds (60 by default), per configured IMAP mailbox: file
# the new mail of that mailbox (processed mails are flagged and moved, never re-imported).
BEAT_SCHEDULE.update(_imap_mailbox_entries())

# Beat never reads a result: sending its tasks with ignore_result keeps beat
# off the result backend entirely. Otherwise each send subscribes to the
# Redis result channel, and after ~20 s without Redis that subscriber gives up
# and logs "The Celery application must be restarted" although beat itself
# reconnects to the broker and goes on (issue 23).
for _entry in BEAT_SCHEDULE.values():
    _entry.setdefault("options", {})["ignore_result"] = True

"""Record the go-live of scheduled stories; meant for cron, every minute.

Readers see a scheduled story on the minute whether or not this runs
(visibility is decided at read time). Each run records, once per story, the
"went live" event at the scheduled time and mails the writers. Whether a
story's time has come is decided by the time authority (``articles.clock``),
never by the clock of the machine this runs on.
"""

from datetime import UTC, timedelta

from django.core.management.base import BaseCommand

from articles.editorial import workflow


class Command(BaseCommand):
    help = (
        "Record that scheduled stories whose publish time has passed went live "
        "(once each, at the scheduled time) and tell their writers. Run every minute."
    )

    def handle(self, *args, **options):
        events = workflow.record_scheduled_go_lives()
        for event in events:
            late = max(event.created_at - event.publish_at, timedelta(0))
            self.stdout.write(
                f"story {event.article_id} went live at "
                f"{event.publish_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC, recorded "
                f"{timedelta(seconds=int(late.total_seconds()))} later: "
                f"{event.article.headline}"
            )
        if events or options["verbosity"] > 1:
            self.stdout.write(self.style.SUCCESS(f"{len(events)} went live."))

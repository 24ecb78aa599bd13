"""Rebuild the reader search index from the stored stories.

Run after restoring a backup, a bulk import that bypassed the ORM, or a change
to what the index holds. Work is done in batches of bulk SQL, each in its own
transaction, so readers keep searching while it runs.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.search import engine as search


class Command(BaseCommand):
    help = "Rebuild the full-text search index of every story."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=search.INDEX_BATCH_SIZE,
            help="Stories per batch (default %(default)s).",
        )

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        total = search.rebuild_search_index(batch_size=batch_size, progress=self.report)
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {total} stories."))

    def report(self, done: int, total: int) -> None:
        self.stdout.write(f"Indexed {done}/{total}")

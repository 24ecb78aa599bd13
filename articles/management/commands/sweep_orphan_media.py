"""Delete photo files that no library photo references; meant for cron, hourly.

A database failure after ``store_image`` wrote its files (the surrounding
transaction rolled back) leaves an original and its renditions behind. Only
files older than the grace period go, so uploads in flight are safe.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from articles.photos import images


class Command(BaseCommand):
    help = (
        "Delete originals and renditions that no library photo references and "
        "that were written more than --older-than minutes ago."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Grace period for uploads in flight (default: 60 minutes).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the files; delete nothing."
        )

    def handle(self, *args, older_than, dry_run, **options):
        orphans = images.orphaned_files(older_than=timedelta(minutes=older_than))
        storage = images.library_storage()
        removed, failed = [], 0
        for name in orphans:
            if dry_run:
                self.stdout.write(f"would remove {name}")
                continue
            try:
                storage.delete(name)
            except Exception as error:  # any backend's failure; the rest still go
                failed += 1
                self.stderr.write(f"could not remove {name}: {error}")
                continue
            removed.append(name)
            self.stdout.write(f"removed {name}")
        if dry_run:
            self.stdout.write(f"{len(orphans)} orphaned file(s) would be removed.")
            return
        images.remove_rendition_folders(removed)
        self.stdout.write(f"{len(removed)} orphaned file(s) removed.")
        if failed:
            raise CommandError(f"{failed} file(s) could not be removed.")

"""Make the library's renditions again, e.g. after a rendition spec was added."""

import time

from django.core.management.base import BaseCommand, CommandError

from articles.models import Image
from articles.photos import images


class Command(BaseCommand):
    help = (
        "Regenerate renditions from the stored originals, showing progress. Files "
        "whose recipe is unchanged are kept unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Only these image ids.")
        parser.add_argument(
            "--missing-only",
            action="store_true",
            help="Only images that lack a rendition spec.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Rewrite every file, even unchanged."
        )

    def handle(self, *args, ids, missing_only, force, **options):
        queryset = Image.objects.order_by("pk")
        if ids:
            queryset = queryset.filter(pk__in=ids)
        pks = list(queryset.values_list("pk", flat=True))
        if ids and len(pks) != len(set(ids)):
            missing = sorted(set(ids) - set(pks))
            raise CommandError(f"No image with id {', '.join(map(str, missing))}.")
        total, done, failed, skipped = len(pks), 0, 0, 0
        started = time.monotonic()
        for position, pk in enumerate(pks, start=1):
            image = Image.objects.get(pk=pk)
            if missing_only and set(images.SPECS) <= set(image.renditions):
                skipped += 1
                continue
            try:
                images.regenerate_renditions(image, force=force)
            except Exception as error:  # one bad original must not stop the run
                failed += 1
                self.stderr.write(f"[{position}/{total}] image {pk}: failed: {error}")
                continue
            done += 1
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"[{position}/{total}] {position * 100 // total:3d}% image {pk} "
                f"regenerated ({elapsed:.1f}s elapsed)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{done} regenerated, {skipped} already complete, {failed} failed "
                f"of {total} images."
            )
        )
        if failed:
            raise CommandError(f"{failed} image(s) could not be regenerated.")

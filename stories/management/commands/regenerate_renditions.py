from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from stories import changes
from stories.models import Image


class _Unterminated:
    """The command's stderr as tqdm needs it: no newline added after each redraw."""

    def __init__(self, output):
        self.output = output

    def write(self, text):
        self.output.write(text, ending="")

    def flush(self):
        self.output.flush()


class Command(BaseCommand):
    help = (
        "Cut the responsive renditions (16:9, 4:3 and 1:1 in WebP and JPEG) of every image "
        "in the library. Only missing renditions are written unless --force is given; a "
        "picture whose renditions were being prepared is marked ready."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Only these image ids.")
        parser.add_argument(
            "--force", action="store_true", help="Write every rendition again, even if it exists."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, ids, force, no_progress, **options):
        library = Image.objects.order_by("pk")
        if ids:
            library = library.filter(pk__in=ids)
            unknown = sorted(set(ids) - set(library.values_list("pk", flat=True)))
            if unknown:
                raise CommandError(
                    f"No image with id {', '.join(map(str, unknown))}. "
                    "Run without ids to process the whole library."
                )
        written, done, problems = 0, 0, []
        bar = tqdm(
            library.iterator(),
            total=library.count(),
            unit="image",
            desc="Renditions",
            file=_Unterminated(self.stderr),
            disable=no_progress,
        )
        for image in bar:
            if not (image.file and image.file.storage.exists(image.file.name)):
                problems.append(f"image {image.pk}: its file {image.file.name!r} is missing")
                continue
            try:
                was_ready = image.renditions_ready
                written += image.make_renditions(force=force)
                done += 1
                if not was_ready:
                    # Pages that showed the master while the crops were missing show them now.
                    changes.touch(keys=[f"image-{image.pk}"])
            except (OSError, ValidationError) as error:
                problems.append(f"image {image.pk}: {error}")
        for problem in problems:
            self.stderr.write(self.style.WARNING(f"Skipped {problem}; upload it again."))
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {written} renditions for {done} image{'s' if done != 1 else ''}."
            )
        )

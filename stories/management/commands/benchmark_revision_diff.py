import random
import time

from django.core.management.base import BaseCommand, CommandError

from stories.admin.revisions import word_diff

SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
SIZES = [500, 2_000, 6_000, 20_000]


def story_body(rng, words):
    """An HTML body of about ``words`` words in paragraphs of sentences, as reporters write."""
    paragraphs, count = [], 0
    while count < words:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            length = rng.randint(6, 24)
            sentence = " ".join(
                "".join(rng.choices(SYLLABLES, k=rng.randint(1, 3))) for _ in range(length)
            )
            sentences.append(sentence.capitalize() + ".")
            count += length
        paragraphs.append(f"<p>{' '.join(sentences)}</p>")
    return "\n".join(paragraphs)


def edited(rng, body, edits):
    """``body`` with ``edits`` scattered changes: words replaced, paragraphs added and cut."""
    paragraphs = body.split("\n")
    for _ in range(edits):
        at = rng.randrange(len(paragraphs))
        kind = rng.random()
        if kind < 0.7:
            words = paragraphs[at].split(" ")
            spot = rng.randrange(len(words))
            words[spot : spot + rng.randint(1, 4)] = ["rewritten", "words"]
            paragraphs[at] = " ".join(words)
        elif kind < 0.85:
            paragraphs.insert(at, "<p>A new paragraph added by the editor here.</p>")
        elif len(paragraphs) > 1:
            del paragraphs[at]
    return "\n".join(paragraphs)


class Command(BaseCommand):
    help = (
        "Measure how long the revision comparison takes for story bodies of 500, 2,000, "
        "6,000 and 20,000 words with scattered edits, plus a body rewritten from end to end. "
        "Nothing is read from or written to the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--words", type=int, nargs="+", default=SIZES, help="body sizes, in words"
        )
        parser.add_argument("--edits", type=int, default=40, help="scattered edits per body")
        parser.add_argument("--repeat", type=int, default=3, help="runs of each comparison")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, words, edits, repeat, seed, **options):
        if min(words) < 1 or repeat < 1 or edits < 0:
            raise CommandError("--words and --repeat must be positive, --edits at least 0.")
        rng = random.Random(seed)
        self.stdout.write(f"{'words':>8}  {'case':<22}{'best of ' + str(repeat):>12}")
        for size in words:
            before = story_body(rng, size)
            cases = [
                (f"{edits} scattered edits", edited(rng, before, edits)),
                ("rewritten throughout", story_body(rng, size)),
            ]
            for label, after in cases:
                best = min(self.time(before, after) for _ in range(repeat))
                self.stdout.write(f"{size:>8,}  {label:<22}{best * 1000:>10.1f} ms")

    def time(self, before, after):
        started = time.perf_counter()
        word_diff(before, after)
        return time.perf_counter() - started

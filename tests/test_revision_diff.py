"""Comparing two revisions: every word accounted for, in work that stays bounded."""

import html
import random
import re

from django.test import SimpleTestCase

from stories import diffing
from stories.admin.revisions import word_diff
from stories.management.commands.benchmark_revision_diff import edited, story_body


def unmarked(marked, tag):
    """The text a side of a diff shows, with its <del> or <ins> marks taken off."""
    return html.unescape(re.sub(rf"</?{tag}>", "", marked))


def marked_runs(marked, tag):
    return [html.unescape(run) for run in re.findall(rf"<{tag}>(.*?)</{tag}>", marked, re.S)]


class WordDiffTests(SimpleTestCase):
    def test_changed_words_are_marked_and_the_rest_kept(self):
        left, right = word_diff(
            "<p>The mayor said no. The council agreed.</p>",
            "<p>The mayor said yes. The council agreed.</p>",
        )
        assert left == "&lt;p&gt;The mayor said <del>no.</del> The council agreed.&lt;/p&gt;"
        assert right == "&lt;p&gt;The mayor said <ins>yes.</ins> The council agreed.&lt;/p&gt;"

    def test_cutting_into_sentences_loses_no_character(self):
        text = "<p>One. Two?! Three...</p>\n<ul><li>Four</li></ul>e.g. five\n\nsix"
        assert "".join(diffing.units(text)) == text
        assert len(diffing.units(text)) > 4

    def test_text_is_escaped_on_both_sides(self):
        left, right = word_diff("<script>x</script>", "<script>y</script>")
        assert "<script>" not in left + right


class BoundedWorkTests(SimpleTestCase):
    """A long body costs a worker milliseconds, not minutes (the admin compares on request)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rng = random.Random(3)
        cls.before = story_body(rng, 20_000)
        cls.scattered = edited(rng, cls.before, 40)
        cls.rewritten = story_body(rng, 20_000)

    def test_a_20000_word_body_with_scattered_edits_is_compared_word_by_word_within_budget(self):
        budget = diffing.Budget()
        left, right = word_diff(self.before, self.scattered, budget)

        assert unmarked(left, "del") == self.before
        assert unmarked(right, "ins") == self.scattered
        assert budget.shown_whole == 0
        assert 0 < budget.spent <= 200_000  # words before times words after, all passages
        assert "rewritten words" in " ".join(marked_runs(right, "ins"))
        # No removed or added run is longer than the paragraph it was made in.
        assert max(map(len, marked_runs(left, "del") + marked_runs(right, "ins"))) < 2_000

    def test_a_body_rewritten_throughout_is_shown_replaced_without_passing_the_budget(self):
        budget = diffing.Budget()
        left, right = word_diff(self.before, self.rewritten, budget)

        assert unmarked(left, "del") == self.before
        assert unmarked(right, "ins") == self.rewritten
        assert budget.spent <= budget.total
        assert budget.shown_whole >= 1

    def test_no_single_passage_costs_more_than_the_cap(self):
        paragraph = " ".join(f"word{n}" for n in range(3_000))
        changed = " ".join(f"word{n}" if n % 7 else "changed" for n in range(3_000))
        budget = diffing.Budget(per_passage=1_000_000)

        left, right = word_diff(paragraph, changed, budget)

        assert budget.spent == 0 and budget.shown_whole == 1
        assert left == f"<del>{paragraph}</del>" and right == f"<ins>{changed}</ins>"

    def test_once_the_total_is_spent_the_remaining_passages_are_shown_whole(self):
        budget = diffing.Budget(total=20_000)

        left, right = word_diff(self.before, self.scattered, budget)

        assert budget.spent <= 20_000 and budget.shown_whole > 0
        assert unmarked(left, "del") == self.before
        assert unmarked(right, "ins") == self.scattered

    def test_repeated_empty_paragraphs_anchor_no_slow_matching(self):
        filler = "<p>&nbsp;</p>\n"
        before = (filler + "<p>Some text here.</p>\n") * 2_000
        after = before.replace("Some text", "Other text", 50)
        budget = diffing.Budget()

        left, right = word_diff(before, after, budget)

        assert unmarked(left, "del") == before and unmarked(right, "ins") == after
        assert budget.spent <= budget.total

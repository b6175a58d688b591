"""Word-level differences between two texts, in work bounded whatever their length.

Comparing two long bodies word by word with ``difflib`` costs up to the product of their
lengths: minutes of a worker for a long story. So the comparison goes in two steps:

1. the texts are cut into sentences and block ends (``</p>``, line breaks), which are
   compared as units: cheap, since few of them repeat;
2. only where units differ are their words compared, one changed passage at a time. A
   passage whose words before times words after exceed ``Budget.per_passage``, or that would
   take the comparison past ``Budget.total``, is shown as removed and added whole.

The result is always exact (every word of both texts, each marked as kept, removed or added);
only how finely a very large change is shown depends on the budget.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

# A unit ends after a sentence's closing punctuation or a block's closing tag, or at a line
# break, taking the closing tags and spacing that follow. (A closing tag on its own, the same
# in every paragraph, would be a unit matching everywhere.) Cutting never loses a character:
# the units, joined, are the text.
_CLOSING = r"</(?:p|h[1-6]|li|blockquote|figcaption|figure|ul|ol|a|strong|em|b|i)>"
_UNIT = re.compile(rf".*?(?:[.!?]+(?=[\s<]|$)|{_CLOSING}|\n|$)(?:\s*{_CLOSING})*\s*", re.S)
_WORDS = re.compile(r"(\s+)")


@dataclass
class Budget:
    """How many word comparisons one diff may make, and how many it made."""

    per_passage: int = 250_000
    total: int = 2_000_000
    spent: int = 0
    units: int = 0
    shown_whole: int = 0

    def allows(self, cost: int) -> bool:
        return cost <= self.per_passage and self.spent + cost <= self.total


@dataclass(frozen=True)
class Piece:
    """A run of text that is ``"equal"`` in both, ``"delete"``\\d from before or ``"insert"``\\ed."""

    op: str
    text: str


def units(text: str) -> list[str]:
    return [unit for unit in _UNIT.findall(text) if unit]


def diff(before: str, after: str, budget: Budget | None = None):
    """The two texts as lists of ``Piece``: ``before`` as kept and deleted runs, ``after`` as
    kept and inserted runs."""
    budget = budget or Budget()
    old, new = units(before or ""), units(after or "")
    budget.units += len(old) + len(new)
    left, right = [], []
    # A unit found in more than 1% of a long text (an empty paragraph, a separator) anchors
    # no match (autojunk): otherwise each of its places is tried against each other one.
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new).get_opcodes():
        if op == "equal":
            text = "".join(old[i1:i2])
            left.append(Piece("equal", text))
            right.append(Piece("equal", text))
        elif op == "replace" and i2 - i1 == j2 - j1:
            # Sentences edited in place: each compared with its own new version.
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                _diff_words(a, b, budget, left, right)
        else:
            _diff_words("".join(old[i1:i2]), "".join(new[j1:j2]), budget, left, right)
    return _merged(left), _merged(right)


def _diff_words(before, after, budget, left, right):
    old, new = _WORDS.split(before) if before else [], _WORDS.split(after) if after else []
    cost = len(old) * len(new)
    if not (old and new) or not budget.allows(cost):
        if old and new:
            budget.shown_whole += 1
        if before:
            left.append(Piece("delete", before))
        if after:
            right.append(Piece("insert", after))
        return
    budget.spent += cost
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
        if op == "equal":
            left.append(Piece("equal", removed))
            right.append(Piece("equal", added))
            continue
        if removed:
            left.append(Piece("delete", removed))
        if added:
            right.append(Piece("insert", added))


def _merged(pieces):
    merged = []
    for piece in pieces:
        if merged and merged[-1].op == piece.op:
            merged[-1] = Piece(piece.op, merged[-1].text + piece.text)
        elif piece.text:
            merged.append(piece)
    return merged

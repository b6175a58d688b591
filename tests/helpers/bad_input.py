"""Input a reader can type that must never break a page."""

BAD_QUERIES = [
    "",
    "   ",
    "x" * 1001,
    "word " * 400,
    "nul\x00byte",
    "'; DROP TABLE stories_story; --",
    '" unbalanced quote',
    '""',
    "a & b | !c <-> d:* (e",
    "NEAR(one two) ^start col:word * + -",
    "- -- or OR and AND NOT",
    "\\ % _ ` $ { } [ ] ~",
    "Ünïcödé 日本語 عربى ☃ 💥",
    "\ue000forged\ue001 marks",
    "\u200b\ufeff\u202e",
]

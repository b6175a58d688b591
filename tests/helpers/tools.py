"""Programs some tests need beside Python (Chromium, the Nu checker, Varnish)."""

import os

import pytest


def require_tool(present: bool, problem: str) -> None:
    """Skip outside CI, fail under CI, when a program the tests need is missing."""
    if present:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{problem} (CI must install it: see .ci/run)", pytrace=False)
    pytest.skip(problem)

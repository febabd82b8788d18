"""Fixtures of the portal tests: the letters world (an agency, a clerk, two supervisors, a case in progress)."""
from tests.letters.conftest import letter_world  # noqa: F401

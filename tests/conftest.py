"""Shared fixtures and settings for the course's tests."""

import os
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# Deterministic by default (same examples on every run, as CI needs);
# HYPOTHESIS_PROFILE=explore searches with fresh random examples.
settings.register_profile("default", derandomize=True, deadline=None, max_examples=100)
settings.register_profile("explore", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

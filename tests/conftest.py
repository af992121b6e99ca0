"""Shared fixtures and settings for the course's tests."""

import os
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# One BLAS thread per kernel, as course-grade gives every student's kernel: the tests
# already run one process per core, and a BLAS call that waits for a thread on a busy
# core takes a scheduler slice (notebook 04's timing cell: 1 s instead of 0.1 s).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# Deterministic by default (same examples on every run, as CI needs);
# HYPOTHESIS_PROFILE=explore searches with fresh random examples.
settings.register_profile("default", derandomize=True, deadline=None, max_examples=100)
settings.register_profile("explore", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

"""Deterministic crash points, for testing that every phase of a build survives ``kill -9``.

The build calls :func:`reached` at named points (``ingest`` after each file read,
``analyse`` after each batch analysed, ``store`` after each batch committed,
``consolidate`` before each case step, ``record`` before the case-wide results
commit). When the environment variable ``CORROBORATOR_CRASH_AT`` is
``phase:n``, the process kills itself with SIGKILL the ``n``-th time it reaches
``phase``: no cleanup, no ``finally``, as a power cut or the OOM killer would end
it. Unset (always, outside the crash tests), :func:`reached` does nothing.
"""

from __future__ import annotations

import logging
import os
import signal

logger = logging.getLogger(__name__)

#: The environment variable naming the crash point: ``phase:n`` (n counts from 1).
VARIABLE = "CORROBORATOR_CRASH_AT"

_counts: dict[str, int] = {}


def reached(phase: str) -> None:
    """Count one arrival at ``phase``; kill this process if it is the one ``CORROBORATOR_CRASH_AT`` names."""
    spec = os.environ.get(VARIABLE)
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != phase:
        return
    _counts[phase] = _counts.get(phase, 0) + 1
    if _counts[phase] == int(nth or 1):
        logger.warning("crash point %s reached: killing process %d", spec, os.getpid())
        os.kill(os.getpid(), signal.SIGKILL)

"""Per-document analysis: cleaning, entities, and the rule extractors, run as stages.

:func:`analyze` runs the stages over one document and :func:`analyze_batch` over a
batch; the stages are the modules of this package (``clean``, ``entities``, ``dates``,
``quotes``, ``figures``, ``protection``), registered by name in :data:`STAGES` (see
:mod:`corroborator.registry`) and chosen by ``Settings.stages.document``.
"""

from corroborator.analyze.pipeline import (
    STAGES,
    analyze,
    analyze_batch,
    clean_document,
    init_worker,
    plan_stages,
)
from corroborator.registry import Stage

__all__ = ["STAGES", "Stage", "analyze", "analyze_batch", "clean_document", "init_worker", "plan_stages"]

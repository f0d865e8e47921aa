"""Per-document analysis: cleaning, entities, and the rule extractors, run as stages.

:func:`analyze` runs every stage over a batch of documents; the stages themselves are
the modules of this package (``clean``, ``entities``, ``dates``, ``quotes``,
``figures``, ``protection``) and are looked up by name in the stage registry.
"""

from corroborator.analyze.pipeline import (
    STAGES,
    Stage,
    analyze,
    analyze_in_worker,
    clean_document,
    init_worker,
    run_stages,
)

__all__ = ["STAGES", "Stage", "analyze", "analyze_in_worker", "clean_document", "init_worker", "run_stages"]

"""The Russian pipeline: entities (natasha), dates, figures, quotes and protection, with pymorphy3 morphology.

Each module has the same contract as its English counterpart in
:mod:`corroborator.analyze`: it returns :class:`~corroborator.model.Mention` and
:class:`~corroborator.model.Figure` objects with the same kinds and ``attrs``, so
everything downstream reads Russian documents as it reads English ones.
"""

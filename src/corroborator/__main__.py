"""``python -m corroborator``: the command line, as the ``corroborator`` script runs it."""

from corroborator.cli import main

main()

"""Only the store package talks SQL: no other module holds SQL statements or runs them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import corroborator

PACKAGE = Path(corroborator.__file__).resolve().parent
STORE = PACKAGE / "store"
#: Statements that define or change the case file.
SQL = re.compile(r"\b(CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+)?(TABLE|SEQUENCE|VIEW|INDEX)|INSERT\s+(OR\s+REPLACE\s+)?INTO|"
                 r"UPDATE\s+\w+\s+SET|DELETE\s+FROM|ALTER\s+TABLE|DROP\s+(TABLE|SEQUENCE|VIEW))\b", re.IGNORECASE)
_RUNS = ("execute", "executemany", "sql")


def sql_found(source: str) -> list[str]:
    """Each SQL statement text and each ``.execute(...)`` call in a module's source, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"line {node.lineno}: SQL text {SQL.search(node.value).group(0)!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _RUNS:
            found.append(f"line {node.lineno}: .{node.func.attr}(...) call")
    return found


def test_no_module_outside_the_store_holds_or_runs_sql() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if STORE in path.parents:
            continue
        found = sql_found(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(PACKAGE))] = found
    assert not offenders, f"SQL outside corroborator/store: {offenders}"


def test_the_store_itself_is_scanned_and_found_to_hold_sql() -> None:
    # The scan sees SQL where it is: the store's own modules are full of it.
    assert sql_found((STORE / "__init__.py").read_text(encoding="utf-8"))
    assert sql_found((STORE / "accounts.py").read_text(encoding="utf-8"))


def test_the_scan_catches_statements_and_calls_in_any_form() -> None:
    snippets = [
        'con.execute("SELECT 1")',
        'cursor.executemany(q, rows)',
        'Q = """\ncreate   table users (name VARCHAR)"""',
        'q = f"INSERT OR REPLACE INTO {table} VALUES (?)"',
        'q = "update users set role = ? where name = ?"',
        'q = "DELETE FROM sessions"',
        'q = "ALTER TABLE timeline ADD COLUMN x INTEGER"',
        'q = "DROP TABLE t"',
    ]
    for snippet in snippets:
        assert sql_found(snippet), snippet
    assert not sql_found('text = "Please update your records, then delete the draft from the table."')

"""``corroborator audit``: the case file's chain of custody."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from corroborator.errors import CorroboratorError
from corroborator.store import open_case
from corroborator.store.audit import verify_chain

logger = logging.getLogger(__name__)


@click.group()
def audit() -> None:
    """Check the audit and review log of a case file."""


@audit.command("verify")
@click.argument("case", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--expect", "expected", default=None, metavar="HASH",
              help="A head hash published earlier: it must still be a record of the chain (only appended to since).")
def verify(case: Path, expected: str | None) -> None:
    """Check the hash chain of CASE's audit and review records; print its head hash and count.

    Exits non-zero naming the first broken record when a record was changed, deleted or inserted.
    """
    try:
        with open_case(case, read_only=True) as store:
            report = verify_chain(store)
            migrated = store.migrated_from
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    if migrated is not None:
        click.echo(f"Note: {case} has schema {migrated} and no chain yet; it is chained when first opened for "
                   "writing. Verified as it would be chained now.", err=True)
    counts = ", ".join(f"{n} {table}" for table, n in report.records.items())
    click.echo(f"Records: {report.count} ({counts})")
    click.echo(f"Head: {report.head}")
    if not report.ok:
        more = f" ({len(report.problems) - 1} more break(s) after it)" if len(report.problems) > 1 else ""
        raise click.ClickException(f"the chain is broken at {report.broken}{more}")
    if expected is not None:
        position = report.position_of(expected)
        if position is None:
            raise click.ClickException(f"the published head {expected.strip()} is not in the chain: "
                                       "the log was rewritten since it was published")
        click.echo(f"Published head found at record {position} of {report.count}.")
    click.echo("Chain intact.")

"""The ``corroborator`` command: each subcommand calls one library function."""

from __future__ import annotations

import logging
import sys
from collections import Counter
from pathlib import Path

import click
import duckdb

from corroborator import api
from corroborator.engines.local import BuildOptions, BuildSummary
from corroborator.engines.local import build as run_build
from corroborator.engines.spark import SparkOptions
from corroborator.engines.spark import build as spark_build
from corroborator.engines.spark import load_parquet as spark_load
from corroborator.errors import CorroboratorError
from corroborator.settings import load_settings
from corroborator.store import DEFAULT_CASE, KEY_VARIABLE, is_encrypted, open_case, set_key_prompt

_REDACT_HELP = ("Replace every protected witness's name, alias and pseudonym by a stable label ([Witness 1]); "
                "their testimony is kept.")
_WITHHOLD_HELP = "Also replace the words of each protected quote by [testimony withheld] (implies --redact)."
#: Builds ``info`` lists, the latest ones.
_BUILDS_SHOWN = 10
CASE_ARG = click.argument("case", type=click.Path(dir_okay=False, path_type=Path))


@click.group()
@click.version_option(package_name="corroborator")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def cli(verbose: int) -> None:
    """Turn a pile of reports about one crisis into a verified, sourced case file."""
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        # Stage failures are listed in the summary; the log would repeat them.
        logging.getLogger("corroborator").setLevel(logging.ERROR)
    set_key_prompt(_ask_key if _interactive() else None)


def _interactive() -> bool:
    """Whether a key can be asked for (standard input is a terminal)."""
    return sys.stdin.isatty()


def _ask_key(path: Path, creating: bool) -> str:
    """Ask for the key of an encrypted case file, hidden; twice for a new one."""
    label = f"New key for the encrypted case file {path}" if creating else f"Key of the encrypted case file {path}"
    return str(click.prompt(label, hide_input=True, confirmation_prompt=creating, err=True))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--case", "case", default=DEFAULT_CASE, show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The case file to create or extend.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Analyse in local processes, or on Apache Spark (PATHS may then be hdfs://, s3a:// or file: URIs).")
@click.option("--master", default=None, help="Spark master URL with --engine spark (default local[2], "
                                               "or what spark-submit gives).")
@click.option("--parquet", default=None, help="With --engine spark: keep the Parquet dataset of the analysis here "
                                              "(a folder, or an HDFS/S3 URI to load later with load-parquet).")
@click.option("--partitions", type=click.IntRange(1), default=None,
              help="With --engine spark: input partitions (default: 64 files each, two per core at least).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default: by input size).")
@click.option("--batch-size", type=click.IntRange(1, 10000), default=32, show_default=True)
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A TOML file of settings to change (tables and keys as in the packaged defaults.toml).")
@click.option("--encrypt", is_flag=True,
              help=f"Create the case file encrypted (AES-GCM); the key comes from ${KEY_VARIABLE} or is asked for.")
def build(paths: tuple[str, ...], case: Path, engine: str, master: str | None, parquet: str | None,
          partitions: int | None, workers: int | None, batch_size: int, config: Path | None, encrypt: bool) -> None:
    """Build or extend CASE from report files and folders (read recursively)."""
    if engine != "spark" and (master or parquet or partitions):
        raise click.UsageError("--master, --parquet and --partitions go with --engine spark")
    try:
        settings = load_settings(config)
        if encrypt:
            with open_case(case, create=True, encrypt=True):
                pass
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc

    bar = None
    progress = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=1, label="Reading", file=sys.stderr)

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

    try:
        options = BuildOptions(workers=workers, batch_size=batch_size, progress=progress, settings=settings)
        if engine == "spark":
            summary = spark_build(paths, case, options, SparkOptions.given(master, parquet, partitions))
        else:
            summary = run_build(paths, case, options)
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    except duckdb.Error as exc:
        # Batches already committed stay in the case file; the next build goes on from there.
        raise click.ClickException(f"{case}: the case file could not be written ({exc}); "
                                   "documents committed before this stay, and the next build adds the rest") from exc
    finally:
        if bar is not None:
            bar.render_finish()
    _print_summary(summary)



@cli.command("load-parquet")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--case", "case", default=DEFAULT_CASE, show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The case file to create or extend.")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The settings the dataset was analysed with (a TOML file, as for build).")
def load_parquet(folder: Path, case: Path, config: Path | None) -> None:
    """Load the Parquet dataset of a Spark build (`build --engine spark --parquet`) into CASE, then consolidate."""
    try:
        summary = spark_load(folder, case, BuildOptions(settings=load_settings(config)))
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    except duckdb.Error as exc:
        raise click.ClickException(f"{folder}: the dataset could not be loaded into {case} ({exc})") from exc
    _print_summary(summary)

def _print_summary(summary: BuildSummary) -> None:
    """What a build did, for the reader: counts on standard output, every skip and problem on standard error."""
    counts = summary.counts
    click.echo(f"Case file: {summary.case.resolve()}")
    click.echo(f"Inputs: {len(summary.read)} read, {len(summary.unchanged)} unchanged, "
               f"{len(summary.listed_skipped)} skipped; "
               f"{summary.documents_added} document(s) added")
    click.echo(f"Case: {counts.get('documents', 0)} documents, {counts.get('entities', 0)} entities, "
               f"{counts.get('quotes', 0)} quotes, {counts.get('figures', 0)} figures, {counts.get('events', 0)} events")
    click.echo(f"Settings digest: {summary.settings_digest}")
    if summary.no_extraction:
        languages = Counter(language for _, language in summary.no_extraction)
        click.echo(f"No extraction: {len(summary.no_extraction)} document(s) in a language without a pipeline ("
                   + ", ".join(f"{code}: {n}" for code, n in sorted(languages.items()))
                   + "); stored and searchable")
        for path, language in summary.no_extraction:
            click.echo(f"  no extraction for language {language}: {path}")
    for warning in summary.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for path, reason in summary.listed_skipped:
        click.echo(f"  skipped {path}: {reason}", err=True)
    for path in summary.not_read:
        click.echo(f"  {path}: {summary.not_read_text(path)}", err=True)
    for path, problem in summary.problems:
        click.echo(f"  problem in {path}: {problem}", err=True)
    if not summary.ok:
        raise click.ClickException("no input could be read")


@cli.command()
@CASE_ARG
@click.option("-o", "--output", default="report.html", show_default=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--redact", is_flag=True, help=_REDACT_HELP)
@click.option("--withhold-testimony", is_flag=True, help=_WITHHOLD_HELP)
@click.option("--paged/--single-file", "paged", default=None,
              help="Put the documents in page files beside the report (OUTPUT_files/), or keep one self-contained "
                   "file. Default: paged when the case has more documents than report.paged_over_documents "
                   "of the packaged settings (defaults.toml).")
def report(case: Path, output: Path, redact: bool, withhold_testimony: bool, paged: bool | None) -> None:
    """Write an HTML report of CASE (one self-contained file, or with document pages for a large case)."""
    try:
        _warn_unfinished(case)
        path = api.write_report(case, output, redact=redact, withhold_testimony=withhold_testimony, paged=paged)
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Report: {path.resolve()}")


@cli.command()
@CASE_ARG
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "md"]), default="json", show_default=True)
@click.option("--redact", is_flag=True, help=_REDACT_HELP)
@click.option("--withhold-testimony", is_flag=True, help=_WITHHOLD_HELP)
@click.option("--reviewed-only", is_flag=True,
              help="Only what a person confirmed or corrected; claims and totals made from those figures alone.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (a folder for csv); standard output when omitted.")
def export(case: Path, fmt: str, redact: bool, withhold_testimony: bool, reviewed_only: bool,
           output: Path | None) -> None:
    """Export CASE as JSON (the export contract), CSV tables or a Markdown digest."""
    if fmt == "csv" and output is None:
        raise click.UsageError("--format csv writes one file per table: give a folder with -o")
    try:
        _warn_unfinished(case)
        result = api.export_case(case, fmt, output, redact=redact, withhold_testimony=withhold_testimony,
                                 reviewed_only=reviewed_only,
                                 stream=sys.stdout if output is None else None)
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    if output is not None:
        click.echo(f"Exported: {Path(result).resolve()}", err=True)


@cli.command()
@CASE_ARG
@click.option("--settings", "show_settings", is_flag=True,
              help="Print the recorded settings (canonical JSON) instead of the summary.")
def info(case: Path, show_settings: bool) -> None:
    """Counts, schema version and settings digest of CASE."""
    try:
        details = api.case_info(case)
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    if show_settings:
        if details.settings_json is None:
            raise click.ClickException(f"{case}: the case file records no settings (built before they were recorded)")
        click.echo(details.settings_json)
        return
    click.echo(f"Case file: {details.path.resolve()}")
    click.echo(f"Schema version: {details.schema_version}")
    click.echo(f"Encrypted: {'yes (AES-GCM)' if is_encrypted(case) else 'no'}")
    click.echo(f"Settings digest: {details.settings_digest or 'not recorded (built before settings were recorded)'}")
    if details.pending is not None and details.pending.consolidation:
        click.echo(f"Unfinished: {api.unfinished(details.pending)}; run `corroborator build` on the case to finish it")
    if len(details.analysed_with) > 1:
        click.echo(f"Mixed settings: documents were analysed with {len(details.analysed_with)} different settings")
    if len(details.builds) > _BUILDS_SHOWN:
        click.echo(f"({len(details.builds) - _BUILDS_SHOWN} earlier build(s) not shown)")
    for build in details.builds[-_BUILDS_SHOWN:]:
        click.echo(f"build {build.at}: settings {build.settings_digest[:12]}, {build.documents_added} document(s) added"
                   + (", case-wide results recomputed" if build.consolidated else ""))
    for name, count in details.counts.items():
        click.echo(f"{name}: {count}")
    for path, reason in details.skipped:
        click.echo(f"skipped {path}: {reason}")


def _warn_unfinished(case: Path) -> None:
    """Tell the user, before any output, when the case-wide results lag behind the documents."""
    pending = api.pending_work(case)
    if pending.consolidation:
        click.echo(f"Warning: {case}: {api.unfinished(pending)}; the claims, totals and entities are from before "
                   "it: run `corroborator build` on the case to finish it", err=True)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="corroborator")


if __name__ == "__main__":
    main()

from corroborator.cli_web import serve, user  # noqa: E402


cli.add_command(serve)
cli.add_command(user)

from corroborator.cli_audit import audit  # noqa: E402

cli.add_command(audit)

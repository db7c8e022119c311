"""QA review queue: a web app for the extractions the pipeline flagged (issue 6).

Public entry points:
- `review.web.create_router(config)` → APIRouter (`api_app.include_router(router, prefix="/review")`)
- `review.web.create_app(config)` → FastAPI app (standalone, or `api_app.mount("/review", app)`)
- `review.serve(records_dir, storage_url, host, port, users_file)` → runs the app with uvicorn
- `review.corrections.save_review(...)` → apply a review without the web (CLI, API)
- `review.config.ReviewConfig.build(...)` → configuration (see review/config.py for the office mapping)
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from .config import ReviewConfig

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["ReviewConfig", "create_app", "serve"]


def create_app(config: ReviewConfig) -> FastAPI:
    """The review app (review.web.create_app), imported lazily so that corrections need no web stack."""
    from .web import create_app as _create_app

    return _create_app(config)


def serve(
    records_dir: Path | str,
    storage_url: str | None,
    host: str,
    port: int,
    users_file: Path | str,
    *,
    office: str | None = None,
    offices_file: Path | str | None = None,
) -> None:
    """Serve the review app (`intake review serve`): blocks until interrupted.

    `records_dir` is an `intake process --out` folder (with `records/`), `storage_url` the storage the
    records are mirrored to (re-emitted records and audit trails are written there too), `users_file` the
    YAML/JSON users file. Set INTAKE_REVIEW_SECRET to keep sessions valid across restarts.
    """
    import uvicorn

    from intake.privacy import install_log_masking

    from .web import create_app as _create_app

    config = ReviewConfig.build(
        records_dir, users_file, storage_url=storage_url, office=office, offices_file=offices_file
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()
    server = uvicorn.Server(uvicorn.Config(_create_app(config), host=host, port=port, log_level="info"))
    install_log_masking()
    server.run()

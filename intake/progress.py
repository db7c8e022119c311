"""Progress reporting that the pipeline calls and the front end (CLI, API) chooses how to show."""

from __future__ import annotations

import threading
from typing import Protocol


class ProgressReporter(Protocol):
    def dossier_started(self, name: str, files: int) -> None: ...
    def pages_found(self, name: str, pages: int) -> None: ...
    def page_done(self, name: str, page: int) -> None: ...
    def dossier_finished(self, name: str, status: str) -> None: ...


class SilentProgress:
    def dossier_started(self, name: str, files: int) -> None:
        pass

    def pages_found(self, name: str, pages: int) -> None:
        pass

    def page_done(self, name: str, page: int) -> None:
        pass

    def dossier_finished(self, name: str, status: str) -> None:
        pass


_lock = threading.Lock()
_reporter: ProgressReporter = SilentProgress()


def set_reporter(reporter: ProgressReporter | None) -> None:
    global _reporter
    with _lock:
        _reporter = reporter or SilentProgress()


def reporter() -> ProgressReporter:
    return _reporter

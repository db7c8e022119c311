"""Throughput and memory of the pipeline on a batch (default: the committed samples).

    .venv/bin/python benchmarks/pipeline.py [BATCH] [--out DIR]

Prints pages per minute, seconds per page by stage (from the records' timings) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from flows.batch import process_batch
from intake.config import PROJECT_ROOT


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("batch", nargs="?", type=Path, default=PROJECT_ROOT / "samples" / "batch")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="intake-bench-"))
    started = time.perf_counter()
    summary = process_batch(args.batch, out)
    wall = time.perf_counter() - started
    pages = sum(item.pages for item in summary.dossiers)
    by_stage: dict[str, float] = defaultdict(float)
    ocr_pages = 0
    for item in summary.dossiers:
        if not item.record:
            continue
        record = json.loads((out / item.record).read_text("utf-8"))
        for stage, seconds in record["timings"].items():
            by_stage[stage] += seconds
        ocr_pages += sum(1 for page in record["pages"] if page["ocr_engine"] not in (None, "text_layer"))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"batch: {args.batch}  dossiers: {len(summary.dossiers)}  pages: {pages} (OCR: {ocr_pages})")
    print(f"wall time: {wall:.1f} s, including Prefect start-up  ->  {pages / wall * 60:.1f} pages/min")
    for stage, seconds in sorted(by_stage.items(), key=lambda item: -item[1]):
        print(f"  {stage:18s} {seconds:7.1f} s  {seconds / max(pages, 1):6.2f} s/page")
    print(f"peak RSS: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()

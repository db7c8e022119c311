"""Benchmark: resident memory of one OCR process over many pages, and what per-run recycling costs.

    .venv/bin/python benchmarks/worker_rss.py [--pages 40]

OCRs `--pages` different rendered A4 pages (150 DPI) in this one process with the pipeline's `read_page`,
printing RSS after every few pages: the growth a long-lived worker would see. Prefect's process worker runs
each flow run (one dossier) in a fresh subprocess, so a worker's memory is bounded by one dossier; the
figures below show whether that recycling is needed and what the model load costs per run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--every", type=int, default=5)
    args = parser.parse_args()

    import cv2
    import numpy as np
    import psutil
    from helpers import text_page

    from extractors.ocr.stage import read_page
    from intake.config import get_settings
    from intake.model import Page

    proc = psutil.Process(os.getpid())
    settings = get_settings()
    mib = 1024 * 1024
    print(f"RSS after imports: {proc.memory_info().rss / mib:.0f} MiB")
    lines_per_page = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
        "Họ, chữ đệm và tên: Nguyễn Thị Hường {i}",
        "Ngày, tháng, năm sinh: 0{d}/05/1990   Giới tính: Nữ",
        "Số định danh cá nhân: 0011900{i:05d}",
        "Nơi thường trú: Số {i} ngõ 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
        "Nội dung đề nghị: đăng ký tạm trú tại địa chỉ trên",
    ]
    samples: list[tuple[int, float, float]] = []
    t0 = time.perf_counter()
    for i in range(args.pages):
        image = text_page([line.format(i=i, d=i % 9 + 1) for line in lines_per_page])
        bgr = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)
        page = Page(
            index=i, file="p.png", file_page=1, kind="raster", width=bgr.shape[1], height=bgr.shape[0]
        )
        started = time.perf_counter()
        read_page(page, bgr, settings)  # fills page.lines; returns the upright image
        seconds = time.perf_counter() - started
        assert page.lines, f"page {i} read no lines: {page.errors}"
        rss = proc.memory_info().rss / mib
        samples.append((i + 1, rss, seconds))
        if i == 0 or (i + 1) % args.every == 0:
            print(f"after page {i + 1:4d}: RSS {rss:6.0f} MiB, this page {seconds:5.2f} s", flush=True)
    first_rss = samples[0][1]
    steady = samples[min(4, len(samples) - 1)][1]
    last = samples[-1][1]
    print()
    print(f"pages: {args.pages} in {time.perf_counter() - t0:.0f} s")
    print(
        f"RSS after page 1 (models loaded): {first_rss:.0f} MiB; after page 5: {steady:.0f} MiB; "
        f"after page {args.pages}: {last:.0f} MiB"
    )
    growth = (last - steady) / max(1, args.pages - 5)
    print(f"growth after warm-up: {last - steady:+.0f} MiB ({growth:+.2f} MiB/page)")
    print(
        f"first page (includes model load): {samples[0][2]:.2f} s; median page: "
        f"{sorted(s[2] for s in samples[1:])[len(samples[1:]) // 2]:.2f} s"
    )


if __name__ == "__main__":
    main()

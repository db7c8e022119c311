"""Command line: python -m samples.generator --out samples/batch --truth samples/ground_truth --seed 7"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .dossiers import SCENARIOS, generate_batch


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.generator", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("samples/batch"), help="batch folder to write")
    parser.add_argument(
        "--truth", type=Path, default=Path("samples/ground_truth"), help="ground-truth folder"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--scenario",
        action="append",
        dest="scenarios",
        metavar="NAME",
        help=f"only these scenarios or dossier names (repeatable); known: {', '.join(SCENARIOS)}",
    )
    args = parser.parse_args(argv)
    generate_batch(args.out, args.truth, args.seed, args.scenarios)
    return 0

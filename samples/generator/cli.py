"""Command line.

python -m samples.generator --out samples/batch --truth samples/ground_truth --seed 7   (the sample batch)
python -m samples.generator eval-set --n 200 --seed 2026 --out DIR   (DIR/batch and DIR/truth)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .dossiers import SCENARIOS, generate_batch


def eval_set_main(argv: Sequence[str]) -> int:
    from .evalset import SCENARIOS as EVAL_SCENARIOS
    from .evalset import generate_eval_set

    parser = argparse.ArgumentParser(
        prog="python -m samples.generator eval-set",
        description="Evaluation set: DIR/batch (dossiers), DIR/truth (ground truth, outside the batch). "
        f"Scenarios: {', '.join(EVAL_SCENARIOS)}",
    )
    parser.add_argument("--n", type=int, default=200, help="number of dossiers")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=None, help="processes (default: CPU count, at most 4)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    names = generate_eval_set(args.out, args.n, args.seed, args.workers)
    print(
        f"{len(names)} dossiers in {args.out / 'batch'}, truth in {args.out / 'truth'} "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["eval-set"]:
        return eval_set_main(argv[1:])
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

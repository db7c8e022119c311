"""Page measures that later legibility rules read. Each is normalised so that resolution does not move it."""

from __future__ import annotations

import cv2
import numpy as np

from intake.images import grayscale
from intake.model import PageQuality

REFERENCE_DPI = 300.0


def measure(image: np.ndarray, quality: PageQuality) -> PageQuality:
    """Sharpness (variance of the Laplacian at 300 DPI scale) and contrast (grey-level spread)."""
    gray = grayscale(image)
    dpi = quality.dpi or REFERENCE_DPI
    if abs(dpi - REFERENCE_DPI) > 1:
        scale = REFERENCE_DPI / dpi
        gray = cv2.resize(
            gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        )
    sharpness = float(cv2.Laplacian(gray, cv2.CV_64F).var())
    low, high = np.percentile(gray, [2, 98])
    return quality.model_copy(
        update={"sharpness": round(sharpness, 2), "contrast": round(float(high - low) / 255.0, 4)}
    )

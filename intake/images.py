"""Image helpers that extraction and validation share."""

from __future__ import annotations

import cv2
import numpy as np


def grayscale(image: np.ndarray) -> np.ndarray:
    """A BGR image in grey levels; a greyscale one as it is."""
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image

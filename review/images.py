"""Page images for the review screen: the upright page scaled for the screen, and crops around fields."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict

from PIL import Image

from intake.model import BoundingBox
from intake.storage import Storage

from .corrections import read_page_image_bytes

VIEW_WIDTHS = (800, 1200, 1600)
CROP_MAX_WIDTH = 720
CROP_MAX_HEIGHT = 320
JPEG_QUALITY = 82


class _Lru:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self._items[key] = data
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)


class ImageCache:
    """A small LRU of rendered JPEGs (keyed by URI and rendering), so that moving between fields is cheap."""

    def __init__(self, capacity: int = 256, page_capacity: int = 6) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
        self._lock = threading.Lock()
        # The stored page JPEGs themselves (about 1 MB each), for cropping several fields of one page.
        self.pages = _Lru(page_capacity)

    def get(self, key: tuple[object, ...]) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: tuple[object, ...], data: bytes) -> None:
        with self._lock:
            self._items[key] = data
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)


def _open(
    uri: str, storage: Storage | None, cache: ImageCache, width: int | None = None
) -> Image.Image | None:
    """The decoded page; with `width`, JPEG's DCT scaling decodes at the nearest size at or above it."""
    data = cache.pages.get(uri) or read_page_image_bytes(uri, storage)
    if data is None:
        return None
    cache.pages.put(uri, data)
    image = Image.open(io.BytesIO(data))
    if width is not None and image.format == "JPEG" and image.width > width:
        image.draft("RGB", (width, round(image.height * width / image.width)))
    image.load()
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def page_view(uri: str, width: int, storage: Storage | None, cache: ImageCache) -> bytes | None:
    """The page at `width` pixels wide (one of VIEW_WIDTHS; never enlarged)."""
    width = min(VIEW_WIDTHS, key=lambda w: abs(w - width))
    key = ("page", uri, width)
    cached = cache.get(key)
    if cached is not None:
        return cached
    image = _open(uri, storage, cache, width)
    if image is None:
        return None
    if image.width > width * 1.1:  # the DCT-scaled decode is close enough otherwise
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    data = _jpeg(image)
    cache.put(key, data)
    return data


def crop_field(uri: str, box: BoundingBox, storage: Storage | None, cache: ImageCache) -> bytes | None:
    """The field's box with some page around it (a line above and below), scaled to fit the side panel."""
    key = ("crop", uri, box.x0, box.y0, box.x1, box.y1)
    cached = cache.get(key)
    if cached is not None:
        return cached
    image = _open(uri, storage, cache)
    if image is None:
        return None
    height = max(box.y1 - box.y0, 1.0)
    pad_y = max(height * 0.6, 12.0)
    pad_x = max(height * 1.5, 24.0)
    left = max(int(box.x0 - pad_x), 0)
    top = max(int(box.y0 - pad_y), 0)
    right = min(int(box.x1 + pad_x), image.width)
    bottom = min(int(box.y1 + pad_y), image.height)
    if right <= left or bottom <= top:
        return None
    crop = image.crop((left, top, right, bottom))
    scale = min(CROP_MAX_WIDTH / crop.width, CROP_MAX_HEIGHT / crop.height, 1.0)
    if scale != 1.0:
        crop = crop.resize(
            (max(round(crop.width * scale), 1), max(round(crop.height * scale), 1)), Image.Resampling.LANCZOS
        )
    data = _jpeg(crop)
    cache.put(key, data)
    return data

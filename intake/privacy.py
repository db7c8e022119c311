"""Personal ID numbers never reach a log in full."""

from __future__ import annotations

import logging
import re

# 12-digit personal IDs and 9-digit old CMND numbers, not inside a longer run of digits.
ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")
VISIBLE_DIGITS = 3


def mask_id(number: str) -> str:
    return "*" * (len(number) - VISIBLE_DIGITS) + number[-VISIBLE_DIGITS:]


def mask_ids(text: str) -> str:
    return ID_NUMBER.sub(lambda match: mask_id(match.group(0)), text)


class MaskIdsFilter(logging.Filter):
    """Rewrites each record's message with ID numbers masked (attach it to handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_ids(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install_log_masking() -> None:
    """Attach the mask to every handler configured so far (the root's and those of named loggers)."""
    loggers = [
        logging.getLogger(),
        *(item for item in logging.root.manager.loggerDict.values() if isinstance(item, logging.Logger)),
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, MaskIdsFilter) for f in handler.filters):
                handler.addFilter(MaskIdsFilter())

from __future__ import annotations

import logging

import pytest

from intake.privacy import MaskIdsFilter, mask_ids


def test_ids_are_masked_but_other_numbers_are_kept() -> None:
    text = "CCCD 001187012345, CMND 123456789, phone 0912345678, serial BV 123456, long 12345678901234"
    assert mask_ids(text) == (
        "CCCD *********345, CMND ******789, phone 0912345678, serial BV 123456, long 12345678901234"
    )


def test_log_records_reach_handlers_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("intake.test.privacy")
    caplog.handler.addFilter(MaskIdsFilter())
    with caplog.at_level(logging.INFO, logger="intake.test.privacy"):
        logger.info("declarant %s has id %s", "Lê Thị Mai", "079203001234")
    assert "079203001234" not in caplog.text
    assert "*********234" in caplog.text

"""Prefect flows and tasks: wiring, retries, progress. No document logic lives here."""

import os

# Usage telemetry would try to reach the internet; offices and CI have no route there.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# A fresh local-mode database is migrated on first start, which takes longer than Prefect's 20 s default here.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

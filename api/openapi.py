"""Write or check the committed OpenAPI document, api/openapi.json.

.venv/bin/python -m api.openapi           # write it
.venv/bin/python -m api.openapi --check   # exit 1 if it is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OPENAPI_PATH = Path(__file__).resolve().parent / "openapi.json"


def render() -> str:
    from .app import create_app
    from .config import ApiConfig

    # A fixed configuration: the document must not depend on the environment it is generated in.
    app = create_app(ApiConfig(storage_url="./unused", portal_tokens=(), officer_tokens=(), dispatch=False))
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in args:
        current = OPENAPI_PATH.read_text("utf-8") if OPENAPI_PATH.is_file() else ""
        if current != text:
            print(f"{OPENAPI_PATH} is stale; run `python -m api.openapi`", file=sys.stderr)
            return 1
        print("openapi.json is current")
        return 0
    OPENAPI_PATH.write_text(text, "utf-8")
    print(f"wrote {OPENAPI_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""End to end: the review app served by uvicorn on loopback, driven by headless Chromium through Playwright.

The record under review comes from the real pipeline (`process_batch`) on one generated CT01 page whose
date of birth is impossible (31/02) and whose signature blocks are missing, so several fields are flagged.
Chromium is Debian's (/usr/bin/chromium); `playwright install` is never run.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from helpers import text_page

from flows.batch import process_batch
from review.auth import hash_password
from review.config import ReviewConfig
from review.web import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

playwright_sync = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NAME = "ho_so_kiem_tra"
PASSWORDS = {"lan": "mật-khẩu-qa", "minh": "mật-khẩu-cán-bộ", "quan": "mật-khẩu-admin"}
SCREENSHOT = Path("/tmp/review-screen.png")


# ---------------------------------------------------------------------------------------------------------
# Fixtures: one processed record per session, a fresh copy and a fresh server per test


@pytest.fixture(scope="session")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    batch = tmp_path_factory.mktemp("review-batch")
    folder = batch / NAME
    folder.mkdir()
    lines = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Mẫu CT01",
        "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
        "Kính gửi: Công an phường Thanh Xuân",
        "1. Họ, chữ đệm và tên: Trần Văn Bình",
        "2. Ngày, tháng, năm sinh: 31/02/1985      3. Giới tính: Nam",
        "4. Số định danh cá nhân: 001085004567",
        "5. Số điện thoại liên hệ: 0912345678",
        "7. Họ, chữ đệm và tên chủ hộ: Trần Văn Bình",
        "8. Mối quan hệ với chủ hộ: Chủ hộ",
        "9. Số định danh cá nhân của chủ hộ: 001085004567",
        "10. Nội dung đề nghị: Đăng ký tạm trú tại số 5 ngõ 7 phố Huế",
    ]
    text_page(lines).save(folder / "to_khai.png")
    (folder / "dossier.json").write_text(
        json.dumps(
            {"procedure": "dang_ky_tam_tru", "channel": "portal", "received_at": "2026-11-16T09:30:00+07:00"}
        ),
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("review-processed")
    process_batch(batch, out)
    record = json.loads((out / "records" / f"{NAME}.json").read_text(encoding="utf-8"))
    flagged = [f for d in record["documents"] for f in d["fields"].values() if f["needs_review"]]
    assert record["decision"]["status"] == "review"
    assert any(f["key"] == "date_of_birth" for f in flagged), flagged
    return out


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review-users") / "users.json"
    roles = {"lan": "qa", "minh": "officer", "quan": "admin"}
    users = [
        {"username": name, "role": roles[name], "password": hash_password(password), "name": name.title()}
        for name, password in PASSWORDS.items()
    ]
    path.write_text(json.dumps({"users": users}, ensure_ascii=False), encoding="utf-8")
    return path


@dataclass
class Running:
    base: str
    out: Path
    storage: Path

    @property
    def record_path(self) -> Path:
        return self.out / "records" / f"{NAME}.json"

    def record(self) -> dict:
        return json.loads(self.record_path.read_text(encoding="utf-8"))


@pytest.fixture
def app_server(processed: Path, users_file: Path, tmp_path: Path) -> Iterator[Running]:
    """A copy of the processed records (page images stay where the pipeline put them) and a live server."""
    out = tmp_path / "out"
    shutil.copytree(processed / "records", out / "records")
    storage = tmp_path / "storage"
    config = ReviewConfig.build(
        out, users_file, storage_url=str(storage), office="xa-thu", secret="test-secret-0123456789abcdef"
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "review server did not start"
        time.sleep(0.05)
    try:
        yield Running(f"http://127.0.0.1:{port}", out, storage)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright_sync.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def login(page: Page, base: str, username: str, path: str = "/") -> None:
    """Log in with the keyboard only: the user name field has the focus."""
    page.goto(base + path)
    assert "/login" in page.url
    # Keys typed before `autofocus` has taken effect are lost (seen once under load): wait for the focus.
    page.wait_for_function("document.activeElement && document.activeElement.name === 'username'")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORDS[username])
    with page.expect_navigation():
        page.keyboard.press("Enter")


def dossier_path(running: Running) -> str:
    return f"/dossiers/xa-thu/{running.record()['dossier_id']}"


# ---------------------------------------------------------------------------------------------------------


def test_login_required(app_server: Running, page: Page) -> None:
    target = dossier_path(app_server)
    response = page.goto(app_server.base + target)
    assert response is not None and response.ok
    assert re.search(r"/login\?next=", page.url)
    assert page.locator("h1").inner_text() == "Đăng nhập"
    # Images, audit and saving are closed too.
    request = page.request
    image = request.get(app_server.base + target + "/pages/0.jpg", max_redirects=0)
    assert image.status == 303 and "/login" in image.headers["location"]
    audit = request.get(app_server.base + target + "/audit.json", max_redirects=0)
    assert audit.status == 303
    before = app_server.record_path.read_bytes()
    posted = request.post(
        app_server.base + target, form={"action:0:date_of_birth": "reject"}, max_redirects=0
    )
    assert posted.status in (401, 403)
    assert app_server.record_path.read_bytes() == before
    # A wrong password stays on the form with a message in Vietnamese.
    page.fill("input[name=username]", "lan")
    page.fill("input[name=password]", "sai mật khẩu")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.locator(".error").inner_text()
    # The right one lands on the page first asked for; the session cookie is HttpOnly and SameSite=Strict.
    page.fill("input[name=password]", PASSWORDS["lan"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == app_server.base + target
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["cutru_review_session"]
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    # A forged session cookie is no session.
    page.context.add_cookies(
        [{"name": "cutru_review_session", "value": session["value"][:-3] + "AAA", "url": app_server.base}]
    )
    page.goto(app_server.base + "/")
    assert "/login" in page.url


def test_officer_cannot_correct(app_server: Running, page: Page) -> None:
    login(page, app_server.base, "minh")
    rows = page.locator(".queue-row")
    assert rows.count() == 1 and NAME in rows.first.inner_text()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Bạn chỉ có quyền xem" in page.locator(".readonly").inner_text()
    assert page.locator("#save").count() == 0
    before = app_server.record_path.read_bytes()
    page.keyboard.press("Enter")
    page.keyboard.press("s")
    assert page.locator(".item.state-accept").count() == 0
    # A hand-made POST with a valid CSRF token and session is refused by role.
    csrf = page.locator("input[name=csrf]").first.input_value()
    version = page.locator("input[name=version]").input_value()
    response = page.request.post(
        page.url,
        form={
            "csrf": csrf,
            "version": version,
            "action:0:date_of_birth": "correct",
            "value:0:date_of_birth": "1",
        },
    )
    assert response.status == 403
    assert "không có quyền" in response.text()
    assert app_server.record_path.read_bytes() == before
    assert not (app_server.out / "records" / f"{NAME}.audit.json").exists()
    # Nor may an officer open the admin page.
    assert page.request.get(app_server.base + "/admin").status == 403


def test_correct_a_field_with_the_keyboard_only(app_server: Running, page: Page) -> None:
    before = app_server.record()
    dossier_id = before["dossier_id"]
    flagged = [
        (d["index"], f) for d in before["documents"] for f in d["fields"].values() if f["needs_review"]
    ]
    login(page, app_server.base, "lan")
    assert page.locator(".queue-row").count() == 1
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".item.flagged").count() >= len(flagged)

    keystrokes = 0
    decided: dict[str, str] = {}
    for _ in range(page.locator(".item.flagged").count()):
        active = page.evaluate("document.activeElement.dataset.id")
        assert active and active not in decided, f"focus should be on the next undecided field, got {active}"
        value = page.locator(f'[data-id="{active}"] .value').inner_text()
        if active.endswith(":date_of_birth"):
            page.keyboard.press("e")
            page.keyboard.type("21/02/1985")  # the old text is selected
            page.keyboard.press("Enter")
            keystrokes += 2 + len("21/02/1985")
            decided[active] = "correct"
        elif value in ("—", "[]"):
            page.keyboard.press("r")
            keystrokes += 1
            decided[active] = "reject"
        else:
            page.keyboard.press("Enter")
            keystrokes += 1
            decided[active] = "accept"
    assert "Đã xử lý hết" in page.locator("#progress").inner_text()
    with page.expect_navigation():
        page.keyboard.press("s")
    keystrokes += 1
    print(f"\nkeystrokes to clear {len(decided)} flagged fields: {keystrokes} ({decided})")
    assert "Đã lưu" in page.locator("#flash").inner_text()

    after = app_server.record()
    fields = after["documents"][0]["fields"]
    date = fields["date_of_birth"]
    assert date["value"] == "1985-02-21"
    assert date["raw"] == before["documents"][0]["fields"]["date_of_birth"]["raw"] == "31/02/1985"
    assert date["needs_review"] is False and date["review_reasons"] == ["corrected_by_reviewer"]
    for where, action in decided.items():
        key = where.split(":", 1)[1]
        expected = {"accept": "accepted_by_reviewer", "reject": "rejected_by_reviewer"}.get(action)
        if expected:
            assert fields[key]["review_reasons"] == [expected], key
            assert fields[key]["needs_review"] is False
        if action == "reject":
            assert fields[key]["value"] is None
    # Validation ran again: no more format or review checks on the date; the decision moved off "review".
    assert not any(c["field"] == "date_of_birth" and not c["passed"] for c in after["checks"])
    assert after["decision"]["status"] != "review"
    assert after["decision"]["status"] == "supplement", after["decision"]["reasons"]
    assert "missing_residence_proof" in after["decision"]["reasons"]
    slip = app_server.out / "records" / f"{NAME}.CT05.pdf"
    assert slip.read_bytes().startswith(b"%PDF")
    assert after["decision"]["slip"] == {"form": "CT05", "uri": slip.as_uri()}
    assert after["finished_at"] != before["finished_at"]
    # The audit sidecar: who, what, old and new.
    trail = json.loads((app_server.out / "records" / f"{NAME}.audit.json").read_text(encoding="utf-8"))
    assert trail["dossier_id"] == dossier_id
    by_field = {(e["action"], e["field"]): e for e in trail["entries"]}
    correction = by_field[("correct", "date_of_birth")]
    assert correction["user"] == "lan" and correction["role"] == "qa"
    assert correction["old"] == "31/02/1985" and correction["new"] == "1985-02-21"
    assert correction["reasons"] == ["impossible_date"]
    decision = by_field[("decision", None)]
    assert decision["old"] == "review" and decision["new"] == "supplement"
    assert len({e["save_id"] for e in trail["entries"]}) == 1
    assert len(trail["entries"]) == len(decided) + 1
    # Mirrored to the configured storage.
    stored = json.loads((app_server.storage / "records" / f"{dossier_id}.json").read_text(encoding="utf-8"))
    assert stored["documents"][0]["fields"]["date_of_birth"]["value"] == "1985-02-21"
    assert (app_server.storage / "slips" / f"{dossier_id}.pdf").read_bytes() == slip.read_bytes()
    assert (app_server.storage / "records" / f"{dossier_id}.audit.json").is_file()
    # The page shows the new decision and the trail.
    assert "Bổ sung (CT05)" in page.locator("#decision").inner_text()
    assert page.locator("#audit-table tbody tr").count() == len(decided) + 1


def test_invalid_correction_is_refused_and_nothing_saved(app_server: Running, page: Page) -> None:
    login(page, app_server.base, "quan", dossier_path(app_server))
    before = app_server.record_path.read_bytes()
    page.locator('li[data-id="0:date_of_birth"]').focus()
    page.keyboard.press("e")
    page.keyboard.type("30/02/1985")
    page.keyboard.press("Enter")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert "chưa lưu" in page.locator("#flash").inner_text()
    assert "Ngày không hợp lệ" in page.locator(".field-error").inner_text()
    assert page.locator('[data-id="0:date_of_birth"] .edit input').input_value() == "30/02/1985"
    assert app_server.record_path.read_bytes() == before


def test_queue_filters_and_order(app_server: Running, page: Page) -> None:
    login(page, app_server.base, "lan")
    assert page.locator(".queue-row").count() == 1
    due = page.locator(".queue-row .due").inner_text()
    assert "19/11/2026" in due and "thời hạn thủ tục" in due  # 16/11 09:30 + 3 working days
    for query, rows in [
        ("?office=xa-thu", 1),
        ("?office=xa-khac", 0),
        ("?doc_type=ct01", 1),
        ("?doc_type=rental_contract", 0),
        ("?reason=impossible_date", 1),
        ("?reason=illegible_page", 0),
    ]:
        page.goto(app_server.base + "/" + query)
        assert page.locator(".queue-row").count() == rows, query
    assert page.locator("select[name=reason] option").count() > 2


def test_review_screen_screenshot(app_server: Running, page: Page) -> None:
    target = app_server.base + dossier_path(app_server)
    login(page, app_server.base, "lan", dossier_path(app_server))
    started = time.perf_counter()
    with page.expect_response(lambda r: "/pages/0.jpg" in r.url) as image:
        response = page.goto(target, wait_until="load")
    load_seconds = time.perf_counter() - started
    assert response is not None and response.ok and image.value.ok
    page.wait_for_load_state("networkidle")
    timing = page.evaluate(
        "(() => { const t = performance.getEntriesByType('navigation')[0];"
        " return {response: t.responseEnd - t.requestStart, load: t.loadEventEnd - t.startTime}; })()"
    )
    print(f"\nreview page: server response {timing['response']:.0f} ms, load event {timing['load']:.0f} ms")
    assert load_seconds < 30
    record = app_server.record()
    boxed = [
        f
        for d in record["documents"]
        for f in d["fields"].values()
        if f["box"] and f["key"] != "form_version"
    ]
    assert page.locator("rect.box").count() == len(boxed)
    assert page.locator("rect.box.flagged").count() >= 2
    assert page.locator("rect.box.active").count() == 1
    crops = page.locator(".item.flagged img.crop")
    assert crops.count() >= 2
    widths = crops.evaluate_all("images => images.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(width > 0 for width in widths), widths
    labels = page.locator(".item.flagged .label").all_inner_texts()
    assert "Ngày, tháng, năm sinh" in labels
    assert page.locator('[data-id="0:date_of_birth"] .raw').inner_text() == "31/02/1985"
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 20_000
    page.keyboard.press("z")
    page.screenshot(path=str(SCREENSHOT.with_name("review-screen-zoom.png")))
    view_box = page.locator('svg.page-svg[data-page="0"]').get_attribute("viewBox")
    assert view_box != page.locator('svg.page-svg[data-page="0"]').get_attribute("data-full")

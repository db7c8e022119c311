"""The review web app: FastAPI routes rendering Jinja2 templates, usable on its own or inside api/app.py.

    router = create_router(config)            # api_app.include_router(router, prefix="/review")
    app = create_app(config)                  # standalone, or api_app.mount("/review", app)

Every route checks the session and the role: officers view, qa and admin correct, admin manages.
Every POST carries a CSRF token (an HMAC of a per-browser nonce cookie).
"""

# No `from __future__ import annotations`: FastAPI must see the dependency functions defined in create_router.

import json
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from intake.emit import slip_path
from intake.model import Document, Dossier, ExtractedField
from validators.config import RulesError, load_rules

from .audit import load_audit
from .auth import Signer, User, authenticate
from .config import ReviewConfig, Source
from .corrections import (
    Action,
    FieldReview,
    Reviewer,
    ReviewError,
    StaleRecordError,
    display_value,
    field_kind,
    flagged_fields,
    record_version,
    save_review,
)
from .images import ImageCache, crop_field, page_view
from .queue import (
    DUE_BASIS_LABELS,
    STATUS_LABELS,
    RecordIndex,
    build_queue,
    facets,
    reason_label,
)

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "cutru_review_session"
CSRF_COOKIE = "cutru_review_csrf"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STATIC_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*\.(css|js|svg)")
ROLE_LABELS = {"officer": "Cán bộ tiếp nhận", "qa": "Kiểm soát chất lượng", "admin": "Quản trị"}
ACTION_LABELS = {"accept": "Chấp nhận", "correct": "Sửa", "reject": "Loại bỏ", "decision": "Quyết định"}
DOC_LABELS_FALLBACK = {
    "ct01": "Tờ khai CT01",
    "ct02": "Tờ khai CT02",
    "ownership_certificate": "Giấy chứng nhận",
    "rental_contract": "Hợp đồng thuê",
    "id_card": "Thẻ căn cước",
    "other": "Giấy tờ khác",
    "unknown": "Chưa xác định",
}
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------------------------------------
# Errors that become pages (a route class turns them into responses, so it works inside any app)


class PageError(Exception):
    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


class LoginRequired(Exception):
    pass


class ReviewRoute(APIRoute):
    """Renders PageError as an HTML page and LoginRequired as a redirect to the login form."""

    renderer: Callable[[Request, PageError], Response] | None = None

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except LoginRequired:
                if request.method != "GET":
                    return _error_response(
                        request, PageError(401, "Cần đăng nhập", "Phiên đăng nhập đã hết.")
                    )
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                login = str(request.url_for("review_login").include_query_params(next=target))
                return RedirectResponse(login, status_code=303)
            except PageError as exc:
                return _error_response(request, exc)

        return handler


def _error_response(request: Request, exc: PageError) -> Response:
    templates: Jinja2Templates = request.scope["review_templates"]
    response = templates.TemplateResponse(
        request,
        "error.html",
        {"title": exc.title, "message": exc.message, "user": request.scope.get("review_user")},
        status_code=exc.status,
    )
    _security_headers(response)
    return response


def _security_headers(response: Response) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")


# ---------------------------------------------------------------------------------------------------------
# Formatting helpers for the templates


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        return moment.strftime("%d/%m/%Y %H:%M")
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def short_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def cell_value(key: str, value: Any) -> str:
    """A table cell (household members) as a person reads it: Nam/Nữ, dd/mm/yyyy."""
    if key == "gender" and value in ("male", "female"):
        return "Nam" if value == "male" else "Nữ"
    if "date" in key and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return short_value(value)


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(
        local_time=local_time,
        reason_label=reason_label,
        status_label=lambda s: STATUS_LABELS.get(s or "", s or "—"),
        role_label=lambda r: ROLE_LABELS.get(str(r), str(r)),
        action_label=lambda a: ACTION_LABELS.get(a, a),
        due_basis_label=lambda b: DUE_BASIS_LABELS.get(b or "", ""),
        short_value=short_value,
        cell_value=cell_value,
    )
    return templates


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no host, no //) may be a post-login redirect."""
    if not target:
        return None
    target = nfc(target)
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return None
    return target


# ---------------------------------------------------------------------------------------------------------


def create_router(config: ReviewConfig) -> APIRouter:
    """All review routes; include it with a prefix (`app.include_router(router, prefix="/review")`)."""
    signer = Signer(config.secret)
    templates = _templates()
    index = RecordIndex(config.sources)
    images = ImageCache()
    router = APIRouter(route_class=ReviewRoute)

    def labels() -> tuple[Callable[[str], str], Callable[[str], str]]:
        try:
            rules = load_rules(config.settings.templates_dir)
        except RulesError:
            return (lambda k: k), (lambda t: DOC_LABELS_FALLBACK.get(t, t))
        return rules.field_label, lambda t: DOC_LABELS_FALLBACK.get(t, rules.document_label(t))

    # -- session, roles, CSRF -------------------------------------------------------------------------

    def optional_user(request: Request) -> User | None:
        request.scope["review_templates"] = templates
        session = signer.read_session(request.cookies.get(SESSION_COOKIE))
        user = config.users.get(session.username) if session else None
        request.scope["review_user"] = user
        return user

    def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
        if user is None:
            raise LoginRequired()
        return user

    def require(permission: str) -> Callable[[User], User]:
        def check(user: Annotated[User, Depends(current_user)]) -> User:
            if not user.can(permission):
                log.info("forbidden: %s (%s) tried %s", user.username, user.role, permission)
                raise PageError(
                    403,
                    "Không đủ quyền",
                    f"Tài khoản {user.username} ({ROLE_LABELS[str(user.role)]}) "
                    "không có quyền thực hiện thao tác này.",
                )
            return user

        return check

    viewer = Depends(require("view"))
    corrector = Depends(require("correct"))
    manager = Depends(require("manage"))

    def csrf_nonce(request: Request) -> str:
        nonce = request.cookies.get(CSRF_COOKIE)
        if not nonce or not re.fullmatch(r"[0-9a-f]{32}", nonce):
            nonce = request.scope.get("review_new_csrf") or secrets.token_hex(16)
            request.scope["review_new_csrf"] = nonce
        return nonce

    async def checked_form(request: Request) -> FormData:
        form = await request.form()
        token = form.get("csrf")
        if not signer.check_csrf(request.cookies.get(CSRF_COOKIE), token if isinstance(token, str) else None):
            raise PageError(
                403,
                "Yêu cầu không hợp lệ",
                "Mã chống giả mạo (CSRF) không đúng; hãy tải lại trang rồi thử lại.",
            )
        return form

    def secure(request: Request) -> bool:
        return config.secure_cookies or request.url.scheme == "https"

    def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
        nonce = csrf_nonce(request)
        context = {
            "user": request.scope.get("review_user"),
            "csrf": signer.csrf_token(nonce),
            "can_correct": bool(
                request.scope.get("review_user") and request.scope["review_user"].can("correct")
            ),
            "can_manage": bool(
                request.scope.get("review_user") and request.scope["review_user"].can("manage")
            ),
            **context,
        }
        response = templates.TemplateResponse(request, name, context, status_code=status_code)
        if request.cookies.get(CSRF_COOKIE) != nonce:
            response.set_cookie(
                CSRF_COOKIE, nonce, httponly=True, samesite="strict", secure=secure(request), path="/"
            )
        _security_headers(response)
        return response

    # -- login ----------------------------------------------------------------------------------------

    @router.get("/login", name="review_login", response_class=HTMLResponse)
    def login_form(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> Response:
        target = _safe_next(request.query_params.get("next"))
        return render(request, "login.html", {"next": target or "", "error": None})

    @router.post("/login", name="review_login_post", response_class=HTMLResponse)
    async def login(request: Request, _: Annotated[User | None, Depends(optional_user)]) -> Response:
        form = await checked_form(request)
        username = nfc(str(form.get("username") or "")).strip()
        password = nfc(str(form.get("password") or ""))
        target = _safe_next(str(form.get("next") or "")) or str(request.url_for("review_queue").path)
        found = authenticate(config.users, username, password)
        if found is None:
            log.info("failed login for %r", username[:64])
            return render(
                request,
                "login.html",
                {"next": target, "error": "Sai tên đăng nhập hoặc mật khẩu.", "username": username},
                status_code=401,
            )
        log.info("login: %s (%s)", found.username, found.role)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            signer.session_cookie(found.username),
            httponly=True,
            samesite="strict",
            secure=secure(request),
            path="/",
        )
        # A fresh CSRF nonce after login, so that a nonce planted before login is worthless.
        response.set_cookie(
            CSRF_COOKIE,
            secrets.token_hex(16),
            httponly=True,
            samesite="strict",
            secure=secure(request),
            path="/",
        )
        return response

    @router.post("/logout", name="review_logout")
    async def logout(request: Request, _: Annotated[User | None, Depends(optional_user)]) -> Response:
        await checked_form(request)
        response = RedirectResponse(str(request.url_for("review_login").path), status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    # -- queue ----------------------------------------------------------------------------------------

    @router.get("/", name="review_queue", response_class=HTMLResponse)
    def queue(request: Request, user: Annotated[User, viewer]) -> Response:
        office = nfc(request.query_params.get("office", "")) or None
        doc_type = nfc(request.query_params.get("doc_type", "")) or None
        reason = nfc(request.query_params.get("reason", "")) or None
        items = build_queue(index, config.settings, office=office, doc_type=doc_type, reason=reason)
        _, doc_label = labels()
        return render(
            request,
            "queue.html",
            {
                "items": items,
                "facets": facets(index, config.settings),
                "selected": {"office": office or "", "doc_type": doc_type or "", "reason": reason or ""},
                "doc_label": doc_label,
                "sources": {s.office: s.label for s in config.sources},
            },
        )

    # -- one dossier ----------------------------------------------------------------------------------

    def find(office: str, dossier_id: str) -> tuple[Source, Path, Dossier]:
        if not re.fullmatch(r"[0-9a-f]{16,64}", dossier_id):
            raise PageError(404, "Không tìm thấy", "Mã hồ sơ không hợp lệ.")
        found = index.find(nfc(office), dossier_id)
        if found is None:
            raise PageError(404, "Không tìm thấy", "Không có hồ sơ này trong hàng đợi của đơn vị.")
        return found

    def next_in_queue(office: str, dossier_id: str) -> str | None:
        items = build_queue(index, config.settings)
        ids = [(item.office, item.dossier_id) for item in items]
        if (office, dossier_id) in ids:
            position = ids.index((office, dossier_id))
            rest = ids[position + 1 :] + ids[:position]
        else:
            rest = ids
        return None if not rest else f"{rest[0][0]}/{rest[0][1]}"

    def field_view(
        request: Request,
        source: Source,
        dossier: Dossier,
        document: Document,
        found: ExtractedField,
        reasons: list[str],
        flagged: bool,
    ) -> dict[str, Any]:
        field_label, doc_label = labels()
        kind = field_kind(document, found.key, found.value, config.settings)
        has_image = found.box is not None and found.page is not None and found.page < len(dossier.pages)
        hint = {
            "boolean": "nhập “có” hoặc “không”",
            "list": "nhiều giá trị: phân tách bằng dấu ;",
            "json": "danh sách JSON",
            "choice": "một trong: " + ", ".join(kind.choices),
        }.get(kind.shape, "")
        if kind.shape == "scalar" and kind.normalizer == "date":
            hint = "dd/mm/yyyy (hoặc chỉ năm)"
        reviewed = found.review_reasons[:1] if found.review_reasons[:1] else []
        rows = found.value if isinstance(found.value, list) and found.value else None
        if rows is not None and not all(isinstance(row, dict) for row in rows):
            rows = None
        columns = list(dict.fromkeys(k for row in rows or [] for k in row))
        return {
            "id": f"{document.index}:{found.key}",
            "dom_id": f"f-{document.index}-{found.key}",
            "document": document.index,
            "doc_label": doc_label(str(document.doc_type)),
            "key": found.key,
            "label": field_label(found.key),
            "raw": found.raw,
            "value": short_value(found.value),
            "edit_value": display_value(found.value, kind),
            "hint": hint,
            "multiline": kind.shape == "json" or len(display_value(found.value, kind)) > 60,
            "rows": rows,
            "columns": [(column, field_label(column)) for column in columns],
            "tall": bool(found.box and found.box.y1 - found.box.y0 > 150),
            "confidence": found.confidence,
            "reasons": reasons,
            "flagged": flagged,
            "reviewed": reviewed[0] if reviewed and reviewed[0].endswith("_by_reviewer") else None,
            "page": found.page if has_image else None,
            "box": found.box if has_image else None,
            "crop_url": str(
                request.url_for(
                    "review_crop",
                    office=source.office,
                    dossier_id=dossier.dossier_id,
                    document=str(document.index),
                    key=found.key,
                ).path
            )
            if has_image
            else None,
        }

    def dossier_context(request: Request, source: Source, dossier: Dossier) -> dict[str, Any]:
        flags = flagged_fields(dossier)
        flagged_ids = {(flag.document.index, flag.field.key) for flag in flags}
        items = [field_view(request, source, dossier, f.document, f.field, f.reasons, True) for f in flags]
        others = []
        for document in dossier.documents:
            for found in document.fields.values():
                if (document.index, found.key) in flagged_ids or found.key == "form_version":
                    continue
                others.append(
                    field_view(request, source, dossier, document, found, list(found.review_reasons), False)
                )
        others.sort(
            key=lambda f: (f["page"] if f["page"] is not None else 999, f["box"].y0 if f["box"] else 0)
        )
        all_items = items + others
        _, doc_label = labels()
        pages = []
        for page in dossier.pages:
            pages.append(
                {
                    "index": page.index,
                    "width": page.width,
                    "height": page.height,
                    "url": str(
                        request.url_for(
                            "review_page_image",
                            office=source.office,
                            dossier_id=dossier.dossier_id,
                            index=str(page.index),
                        ).path
                    )
                    + "?w=1200",
                    "doc_label": doc_label(str(page.classification.doc_type)),
                    "reasons": page.review_reasons,
                    "boxes": [item for item in all_items if item["page"] == page.index],
                }
            )
        trail = load_audit(source.records_dir, dossier.name, dossier.dossier_id)
        slip = slip_path(dossier, source.records_dir)
        return {
            "source": source,
            "dossier": dossier,
            "items": items,
            "others": others,
            "pages": pages,
            "decision": dossier.decision,
            "version": record_version(dossier),
            "audit": list(reversed(trail.entries))[:50],
            "slip_url": str(
                request.url_for("review_slip", office=source.office, dossier_id=dossier.dossier_id).path
            )
            if slip.is_file() and dossier.decision and dossier.decision.slip
            else None,
            "next_dossier": next_in_queue(source.office, dossier.dossier_id),
            "field_errors": {},
            "submitted": {},
            "message": None,
            "error": None,
        }

    @router.get("/dossiers/{office}/{dossier_id}", name="review_dossier", response_class=HTMLResponse)
    def dossier_page(
        request: Request, office: str, dossier_id: str, user: Annotated[User, viewer]
    ) -> Response:
        source, _, dossier = find(office, dossier_id)
        context = dossier_context(request, source, dossier)
        if request.query_params.get("saved"):
            status = dossier.decision.status if dossier.decision else None
            context["message"] = f"Đã lưu. Quyết định hiện tại: {STATUS_LABELS.get(str(status), '—')}."
        return render(request, "dossier.html", context)

    @router.post("/dossiers/{office}/{dossier_id}", name="review_save", response_class=HTMLResponse)
    async def save(
        request: Request, office: str, dossier_id: str, user: Annotated[User, corrector]
    ) -> Response:
        form = await checked_form(request)
        source, _, dossier = find(office, dossier_id)
        reviews: list[FieldReview] = []
        submitted: dict[str, dict[str, str]] = {}
        for name, value in form.multi_items():
            if not isinstance(value, str) or not name.startswith("action:"):
                continue
            _, document_text, key = name.split(":", 2)
            action = nfc(value).strip()
            if not action:
                continue
            text = form.get(f"value:{document_text}:{key}")
            text = nfc(text) if isinstance(text, str) else None
            submitted[f"{document_text}:{key}"] = {"action": action, "value": text or ""}
            try:
                reviews.append(FieldReview(int(document_text), nfc(key), Action(action), text))
            except ValueError as exc:
                raise PageError(400, "Yêu cầu không hợp lệ", "Thao tác không hợp lệ.") from exc
        version = form.get("version")
        try:
            save_review(
                source.records_dir,
                dossier.name,
                reviews,
                Reviewer(user.username, str(user.role)),
                storage=source.storage(),
                settings=config.settings,
                expected_version=version if isinstance(version, str) else None,
            )
        except ReviewError as exc:
            context = dossier_context(request, source, dossier)
            context["error"] = exc.message
            context["field_errors"] = {f"{d}:{k}": message for (d, k), message in exc.field_errors.items()}
            context["submitted"] = submitted
            return render(
                request,
                "dossier.html",
                context,
                status_code=409 if isinstance(exc, StaleRecordError) else 422,
            )
        url = request.url_for("review_dossier", office=source.office, dossier_id=dossier.dossier_id)
        return RedirectResponse(str(url.path) + "?saved=1", status_code=303)

    @router.get("/dossiers/{office}/{dossier_id}/pages/{index}.jpg", name="review_page_image")
    def page_image(
        request: Request,
        office: str,
        dossier_id: str,
        index: int,
        user: Annotated[User, viewer],
        w: int = 1200,
    ) -> Response:
        source, _, dossier = find(office, dossier_id)
        if not 0 <= index < len(dossier.pages) or not dossier.pages[index].image_uri:
            raise PageError(404, "Không tìm thấy", "Không có ảnh trang này.")
        data = page_view(dossier.pages[index].image_uri or "", w, source.storage(), images)
        if data is None:
            raise PageError(404, "Không tìm thấy", "Không đọc được ảnh trang.")
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})

    @router.get("/dossiers/{office}/{dossier_id}/crops/{document}/{key}.jpg", name="review_crop")
    def crop(
        request: Request, office: str, dossier_id: str, document: int, key: str, user: Annotated[User, viewer]
    ) -> Response:
        source, _, dossier = find(office, dossier_id)
        if not 0 <= document < len(dossier.documents):
            raise PageError(404, "Không tìm thấy", "Không có giấy tờ này.")
        found = dossier.documents[document].fields.get(nfc(key))
        if found is None or found.box is None or found.page is None or found.page >= len(dossier.pages):
            raise PageError(404, "Không tìm thấy", "Trường này không có vị trí trên trang.")
        data = crop_field(dossier.pages[found.page].image_uri or "", found.box, source.storage(), images)
        if data is None:
            raise PageError(404, "Không tìm thấy", "Không đọc được ảnh trang.")
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})

    @router.get("/dossiers/{office}/{dossier_id}/slip.pdf", name="review_slip")
    def slip(request: Request, office: str, dossier_id: str, user: Annotated[User, viewer]) -> Response:
        source, _, dossier = find(office, dossier_id)
        path = slip_path(dossier, source.records_dir)
        if not (dossier.decision and dossier.decision.slip and path.is_file()):
            raise PageError(404, "Không tìm thấy", "Hồ sơ chưa có phiếu.")
        return FileResponse(path, media_type="application/pdf", filename=quote(path.name))

    @router.get("/dossiers/{office}/{dossier_id}/audit.json", name="review_audit")
    def audit(request: Request, office: str, dossier_id: str, user: Annotated[User, viewer]) -> Response:
        source, _, dossier = find(office, dossier_id)
        trail = load_audit(source.records_dir, dossier.name, dossier.dossier_id)
        return JSONResponse(trail.model_dump(mode="json"), headers={"Cache-Control": "no-store"})

    # -- admin ----------------------------------------------------------------------------------------

    @router.get("/admin", name="review_admin", response_class=HTMLResponse)
    def admin(request: Request, user: Annotated[User, manager]) -> Response:
        entries = []
        for source, _, dossier in index.all():
            trail = load_audit(source.records_dir, dossier.name, dossier.dossier_id)
            entries.extend((source.office, dossier, entry) for entry in trail.entries)
        entries.sort(key=lambda item: item[2].at, reverse=True)
        return render(
            request,
            "admin.html",
            {
                "users": sorted(config.users.values(), key=lambda u: (u.role, u.username)),
                "entries": entries[:100],
                "sources": config.sources,
                "message": "Đã nạp lại danh sách người dùng."
                if request.query_params.get("reloaded")
                else None,
            },
        )

    @router.post("/admin/reload-users", name="review_reload_users")
    async def reload_users(request: Request, user: Annotated[User, manager]) -> Response:
        await checked_form(request)
        try:
            config.reload_users()
        except ValueError as exc:
            raise PageError(500, "Lỗi cấu hình", f"Không nạp được danh sách người dùng: {exc}") from exc
        log.info("users reloaded by %s", user.username)
        return RedirectResponse(str(request.url_for("review_admin").path) + "?reloaded=1", status_code=303)

    # -- static files ---------------------------------------------------------------------------------

    @router.get("/static/{name}", name="review_static")
    def static(name: str) -> Response:
        path = HERE / "static" / name
        if not STATIC_NAME.fullmatch(name) or not path.is_file():
            return Response(status_code=404)
        return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})

    return router


def create_app(config: ReviewConfig) -> FastAPI:
    """The review app on its own (tests, `intake review serve`), or mounted: api.mount("/review", app)."""
    app = FastAPI(title="cutru-intake review", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(create_router(config))

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.state.review_config = config
    return app

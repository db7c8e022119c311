"""The FastAPI application.

    uvicorn --factory api.app:create_app      (or `intake api`)

Configuration: see api/config.py (INTAKE_STORAGE_URL, INTAKE_API_PORTAL_TOKENS, INTAKE_API_OFFICER_TOKENS,
INTAKE_API_MAX_FILE_BYTES, INTAKE_API_MAX_REQUEST_BYTES, INTAKE_API_MAX_BATCH_BYTES, INTAKE_DEPLOYMENT) and
PREFECT_API_URL for the Prefect server whose workers process the dossiers.
"""

# No `from __future__ import annotations`: FastAPI must see the dependency functions defined in create_app.

import hashlib
import json
import logging
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, Query, Request, Response, UploadFile, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from flows.submission import DeploymentDispatcher, Dispatcher, submit_dossier
from intake.batch import META_FILE, BatchError, discover, open_batch
from intake.model import Channel, DossierMeta, Procedure
from intake.registry import is_dossier_id, load_manifest, load_record, meta_json
from intake.status import DossierState, DossierStatus, list_statuses, read_status
from intake.storage import Storage, StorageError, open_storage

from . import __doc__ as package_doc
from .auth import Role, authenticate, require_officer
from .config import ApiConfig
from .errors import ErrorBody, megabytes, problem
from .limits import BodyLimit

log = logging.getLogger(__name__)
API_VERSION = "1.0.0"
BATCHES_PATH = "/v1/batches"


class SubmissionResponse(BaseModel):
    dossier_id: str
    created: bool = Field(description="False when the same content was submitted before")
    status: DossierStatus
    status_url: str
    record_url: str


class BatchItem(BaseModel):
    name: str
    dossier_id: str | None = None
    created: bool = False
    state: DossierState | None = None
    error: str | None = Field(default=None, description="Why this dossier was not accepted, in Vietnamese")


class BatchResponse(BaseModel):
    batch_id: str
    dossiers: list[BatchItem]
    new: int
    duplicates: int


class DossierView(DossierStatus):
    flow_run_state: str | None = Field(default=None, description="The Prefect flow run's state, if known")


class DossierPage(BaseModel):
    items: list[DossierStatus]
    next_after: str | None = Field(description="Pass as `after` to get the next page; null on the last one")


class Health(BaseModel):
    status: str


bearer = HTTPBearer(auto_error=False, description="Mã truy cập do quản trị hệ thống cấp.")
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Thiếu hoặc sai mã truy cập"},
    403: {"model": ErrorBody, "description": "Mã truy cập không đủ quyền"},
}


def create_app(
    config: ApiConfig | None = None, *, storage: Storage | None = None, dispatcher: Dispatcher | None = None
) -> FastAPI:
    config = config or ApiConfig()
    app = FastAPI(
        title="cutru-intake API",
        version=API_VERSION,
        description=(package_doc or "").strip()
        + '\n\nLỗi trả về có dạng `{"detail": {"code": ..., "message": ...}}`, message bằng tiếng Việt.',
    )
    state: dict[str, Any] = {"storage": storage, "dispatcher": dispatcher}

    def get_storage() -> Storage:
        if state["storage"] is None:
            state["storage"] = open_storage(config.storage_url)
        return state["storage"]

    def get_dispatcher() -> Dispatcher | None:
        if state["dispatcher"] is None and config.dispatch:
            state["dispatcher"] = DeploymentDispatcher(config.deployment)
        return state["dispatcher"]

    def role(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)], request: Request
    ) -> Role:
        return authenticate(request.headers.get("authorization"), config.portal_tokens, config.officer_tokens)

    def officer(current: Annotated[Role, Depends(role)]) -> Role:
        require_officer(current)
        return current

    def limit_for(path: str) -> int | None:
        if path == BATCHES_PATH:
            return config.max_batch_bytes
        if path.startswith("/v1/"):
            return config.max_request_bytes
        return None

    app.add_middleware(BodyLimit, limit_for=limit_for)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = sorted({".".join(str(p) for p in error.get("loc", ())[1:]) for error in exc.errors()})
        return JSONResponse(
            status_code=422,
            content={
                "detail": {
                    "code": "invalid_request",
                    "message": "Dữ liệu gửi lên không hợp lệ: "
                    + ", ".join(f or "(nội dung)" for f in fields)
                    + ".",
                    "errors": json.loads(json.dumps(exc.errors(), default=str)),
                }
            },
        )

    @app.exception_handler(StorageError)
    async def storage_down(request: Request, exc: StorageError) -> JSONResponse:
        log.error("storage error: %s", exc)
        return JSONResponse(
            status_code=503,
            content={
                "detail": {
                    "code": "storage_unavailable",
                    "message": "Kho lưu trữ tạm thời không truy cập được. Vui lòng thử lại sau.",
                }
            },
        )

    @app.get("/health", response_model=Health, tags=["system"])
    def health() -> Health:
        return Health(status="ok")

    def links(dossier_id: str) -> dict[str, str]:
        return {"status_url": f"/v1/dossiers/{dossier_id}", "record_url": f"/v1/dossiers/{dossier_id}/record"}

    def read_uploads(files: list[UploadFile]) -> list[tuple[str, bytes]]:
        if not files:
            raise problem(422, "no_files", "Hồ sơ cần có ít nhất một tệp đính kèm.")
        if len(files) > config.max_files:
            raise problem(422, "too_many_files", f"Mỗi hồ sơ chỉ được gửi tối đa {config.max_files} tệp.")
        items: list[tuple[str, bytes]] = []
        names: dict[str, int] = {}
        for upload in files:
            name = Path((upload.filename or "tep").replace("\\", "/")).name or "tep"
            size = upload.size if upload.size is not None else 0
            if size > config.max_file_bytes:
                raise problem(
                    413,
                    "file_too_large",
                    f"Tệp “{name}” có dung lượng {megabytes(size)}, vượt giới hạn "
                    f"{megabytes(config.max_file_bytes)} cho mỗi tệp.",
                )
            data = upload.file.read(config.max_file_bytes + 1)
            if len(data) > config.max_file_bytes:
                raise problem(
                    413, "file_too_large", f"Tệp “{name}” vượt giới hạn {megabytes(config.max_file_bytes)}."
                )
            if name == META_FILE:
                raise problem(
                    422,
                    "reserved_name",
                    "Tên tệp “dossier.json” được dành riêng; hãy gửi thông tin qua các trường.",
                )
            count = names.get(name, 0) + 1
            names[name] = count
            if count > 1:
                stem, dot, ext = name.rpartition(".")
                name = f"{stem}__{count}.{ext}" if dot else f"{name}__{count}"
            items.append((name, data))
        return items

    @app.post(
        "/v1/dossiers",
        response_model=SubmissionResponse,
        status_code=status.HTTP_202_ACCEPTED,
        tags=["dossiers"],
        summary="Nộp một hồ sơ (cổng dịch vụ công)",
        responses={
            200: {
                "model": SubmissionResponse,
                "description": "Hồ sơ này đã được nộp trước đó: trạng thái hiện có",
            },
            413: {"model": ErrorBody, "description": "Tệp hoặc yêu cầu quá lớn"},
            **AUTH_RESPONSES,
        },
    )
    def submit(
        response: Response,
        current: Annotated[Role, Depends(role)],
        files: Annotated[list[UploadFile], File(description="Các tệp đính kèm: PDF, JPEG, PNG, TIFF")],
        procedure: Annotated[Procedure | None, Form()] = None,
        channel: Annotated[Channel, Form()] = Channel.PORTAL,
        received_at: Annotated[datetime | None, Form(description="ISO 8601, kèm múi giờ")] = None,
        name: Annotated[str | None, Form(max_length=200, description="Tên hồ sơ (tuỳ chọn)")] = None,
    ) -> SubmissionResponse:
        """Nộp hồ sơ; cùng nội dung (tệp và thông tin) chỉ được xử lý một lần.

        Lần nộp đầu: 202 và hồ sơ được đưa vào hàng đợi. Nộp lại đúng nội dung đó: 200 với trạng thái hiện có,
        không xử lý lại.
        """
        items = read_uploads(files)
        meta = DossierMeta(procedure=procedure, channel=channel, received_at=received_at)
        items.append((META_FILE, meta_json(meta)))
        result = submit_dossier(
            get_storage(),
            config.storage_url,
            items,
            source="api",
            dispatcher=get_dispatcher(),
            name=name,
            origin=f"api:{current}",
        )
        if not result.created:
            response.status_code = status.HTTP_200_OK
        return SubmissionResponse(
            dossier_id=result.dossier_id,
            created=result.created,
            status=result.status,
            **links(result.dossier_id),
        )

    @app.post(
        BATCHES_PATH,
        response_model=BatchResponse,
        status_code=status.HTTP_202_ACCEPTED,
        tags=["batches"],
        summary="Tải lên một lô hồ sơ (.zip) của cán bộ",
        responses={413: {"model": ErrorBody, "description": "Tệp zip quá lớn"}, **AUTH_RESPONSES},
    )
    def upload_batch(
        current: Annotated[Role, Depends(officer)],
        file: Annotated[UploadFile, File(description="Tệp .zip: mỗi thư mục con là một hồ sơ")],
    ) -> BatchResponse:
        """Mỗi thư mục con trong zip là một hồ sơ (như lệnh `intake process`); hồ sơ đã có không xử lý lại."""
        stamp = datetime.now(UTC)
        with tempfile.TemporaryDirectory(prefix="intake-api-batch-") as tmp:
            archive = Path(tmp) / "batch.zip"
            with archive.open("wb") as sink:
                shutil.copyfileobj(file.file, sink)
            digest = hashlib.sha256(archive.read_bytes()).hexdigest()
            batch_id = f"{stamp:%Y%m%dT%H%M%SZ}-{digest[:12]}"
            try:
                with open_batch(archive) as root:
                    dossiers = discover(root)
                    items: list[BatchItem] = []
                    for dossier in dossiers:
                        items.append(_submit_folder(dossier, batch_id, current))
            except BatchError as exc:
                raise problem(
                    422, "invalid_batch", f"Tệp zip không đọc được hoặc không an toàn: {exc}"
                ) from exc
        return BatchResponse(
            batch_id=batch_id,
            dossiers=items,
            new=sum(1 for i in items if i.created),
            duplicates=sum(1 for i in items if i.dossier_id and not i.created),
        )

    def _submit_folder(dossier: Any, batch_id: str, current: Role) -> BatchItem:
        files = [(f.name, f.path.read_bytes()) for f in dossier.files]
        if dossier.meta_file is not None:
            files.append((dossier.meta_file.name, dossier.meta_file.path.read_bytes()))
        too_big = [name for name, data in files if len(data) > config.max_file_bytes]
        if too_big:
            return BatchItem(
                name=dossier.name,
                error=f"Tệp {', '.join(too_big)} vượt giới hạn "
                f"{megabytes(config.max_file_bytes)} cho mỗi tệp.",
            )
        if not files:
            return BatchItem(name=dossier.name, error="Thư mục hồ sơ không có tệp nào.")
        result = submit_dossier(
            get_storage(),
            config.storage_url,
            files,
            source="api-batch",
            dispatcher=get_dispatcher(),
            name=dossier.name,
            origin=f"api:{current}:batch:{batch_id}",
            batch_id=batch_id,
        )
        return BatchItem(
            name=dossier.name, dossier_id=result.dossier_id, created=result.created, state=result.status.state
        )

    def known_status(dossier_id: str) -> DossierStatus:
        if not is_dossier_id(dossier_id):
            raise problem(404, "not_found", "Không tìm thấy hồ sơ với mã này.")
        found = read_status(get_storage(), dossier_id)
        if found is None:
            if load_manifest(get_storage(), dossier_id) is None:
                raise problem(404, "not_found", "Không tìm thấy hồ sơ với mã này.")
            raise problem(404, "not_found", "Hồ sơ đã được tiếp nhận nhưng chưa có trạng thái; thử lại sau.")
        return found

    @app.get(
        "/v1/dossiers/{dossier_id}",
        response_model=DossierView,
        tags=["dossiers"],
        summary="Trạng thái xử lý của một hồ sơ (kể cả tiến độ theo trang)",
        responses={404: {"model": ErrorBody, "description": "Không có hồ sơ này"}, **AUTH_RESPONSES},
    )
    def dossier_status(dossier_id: str, current: Annotated[Role, Depends(role)]) -> DossierView:
        found = known_status(dossier_id)
        view = DossierView(**found.model_dump())
        if found.state in (DossierState.QUEUED, DossierState.RUNNING) and found.flow_run_id:
            view.flow_run_state = _flow_run_state(found.flow_run_id)
            if view.flow_run_state in ("Crashed", "Failed", "Cancelled"):
                view.state = DossierState.FAILED
                view.message = "Lượt xử lý hồ sơ bị dừng bất thường; cán bộ sẽ xử lý lại."
        return view

    @app.get(
        "/v1/dossiers/{dossier_id}/record",
        tags=["dossiers"],
        summary="Kết quả xử lý (bản ghi JSON theo dossier.schema.json)",
        responses={
            200: {"description": "Bản ghi hồ sơ", "content": {"application/json": {}}},
            404: {"model": ErrorBody, "description": "Không có hồ sơ này"},
            409: {"model": ErrorBody, "description": "Hồ sơ chưa xử lý xong"},
            **AUTH_RESPONSES,
        },
    )
    def dossier_record(dossier_id: str, current: Annotated[Role, Depends(role)]) -> Response:
        found = known_status(dossier_id)
        data = load_record(get_storage(), dossier_id)
        if data is None:
            raise problem(
                409, "not_ready", f"Hồ sơ chưa xử lý xong (trạng thái: {found.state}). Vui lòng thử lại sau."
            )
        return Response(content=data, media_type="application/json")

    @app.get(
        "/v1/dossiers",
        response_model=DossierPage,
        tags=["dossiers"],
        summary="Danh sách hồ sơ (cán bộ), theo mã hồ sơ, phân trang",
        responses=AUTH_RESPONSES,
    )
    def list_dossiers(
        current: Annotated[Role, Depends(officer)],
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        after: Annotated[str | None, Query(pattern="^[0-9a-f]{64}$")] = None,
        state: DossierState | None = None,
    ) -> DossierPage:
        items = list_statuses(get_storage(), after=after, limit=limit + 1)
        if state is not None:
            # Filtering happens after paging by id, so a page may hold fewer than `limit` items.
            more = len(items) > limit
            page = items[:limit]
            filtered = [i for i in page if i.state == state]
            return DossierPage(items=filtered, next_after=page[-1].dossier_id if more else None)
        more = len(items) > limit
        page = items[:limit]
        return DossierPage(items=page, next_after=page[-1].dossier_id if more and page else None)

    return app


def _flow_run_state(flow_run_id: str) -> str | None:
    """The flow run's state name on the Prefect server, or None when it cannot be asked."""
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            run = client.read_flow_run(flow_run_id)  # type: ignore[arg-type]
        return run.state_name
    except Exception:
        log.debug("could not read flow run %s", flow_run_id, exc_info=True)
        return None

"""Error answers: a code for programs and a message in Vietnamese for the people who read it."""

from __future__ import annotations

from fastapi import HTTPException, status
from pydantic import BaseModel


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    detail: ErrorDetail


def problem(status_code: int, code: str, message: str) -> HTTPException:
    headers = {"WWW-Authenticate": "Bearer"} if status_code == status.HTTP_401_UNAUTHORIZED else None
    return HTTPException(status_code, detail={"code": code, "message": message}, headers=headers)


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def too_large_message(limit: int) -> str:
    return f"Yêu cầu vượt quá dung lượng cho phép ({megabytes(limit)} mỗi lần gửi). Vui lòng gửi ít tệp hơn."

"""Bearer-token authentication: tokens from configuration, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum

from fastapi import HTTPException, status

from .errors import problem


class Role(StrEnum):
    PORTAL = "portal"
    OFFICER = "officer"


def _digest(token: str) -> bytes:
    # Compare fixed-length digests so neither the length nor the content leaks through timing.
    return hashlib.sha256(token.encode("utf-8")).digest()


def role_for(token: str, portal: tuple[str, ...], officer: tuple[str, ...]) -> Role | None:
    """The role of `token`; every configured token is compared, whatever matches first."""
    given = _digest(token)
    is_officer = False
    is_portal = False
    for candidate in officer:
        is_officer |= hmac.compare_digest(given, _digest(candidate))
    for candidate in portal:
        is_portal |= hmac.compare_digest(given, _digest(candidate))
    if is_officer:
        return Role.OFFICER
    if is_portal:
        return Role.PORTAL
    return None


def authenticate(authorization: str | None, portal: tuple[str, ...], officer: tuple[str, ...]) -> Role:
    if not authorization:
        raise problem(status.HTTP_401_UNAUTHORIZED, "missing_token", "Thiếu mã truy cập (Bearer token).")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise problem(
            status.HTTP_401_UNAUTHORIZED,
            "invalid_authorization",
            "Tiêu đề Authorization phải có dạng “Bearer <mã truy cập>”.",
        )
    role = role_for(token.strip(), portal, officer)
    if role is None:
        raise problem(status.HTTP_401_UNAUTHORIZED, "invalid_token", "Mã truy cập không hợp lệ.")
    return role


def require_officer(role: Role) -> None:
    if role != Role.OFFICER:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail={
                "code": "forbidden",
                "message": "Mã truy cập này không có quyền thực hiện thao tác này (cần quyền cán bộ).",
            },
        )

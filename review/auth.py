"""Users, roles, password hashes, signed session cookies and CSRF tokens for the review app.

Users live in a YAML or JSON file:

    users:
      - username: lan
        name: "Nguyễn Thị Lan"
        role: qa                      # officer | qa | admin
        password: "scrypt$16384$8$1$<salt, base64>$<hash, base64>"

Make a hash with `python -m review.users hash` (it asks for the password). Sessions are
`<payload>.<HMAC-SHA256>` cookies (HttpOnly, SameSite=Strict) signed with the app's secret; the payload
holds the user name, the issue time and a nonce, never the role: the role is read from the users file on
every request, so a changed role takes effect at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_LEN = 32
SESSION_MAX_AGE_SECONDS = 10 * 3600  # one working day


class Role(StrEnum):
    OFFICER = "officer"
    QA = "qa"
    ADMIN = "admin"


# What each role may do. `view`: the queue, the dossiers, their images; `correct`: save a review;
# `manage`: the admin page (users, recent audit entries, reloading the users file).
PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.OFFICER: frozenset({"view"}),
    Role.QA: frozenset({"view", "correct"}),
    Role.ADMIN: frozenset({"view", "correct", "manage"}),
}


class UsersError(ValueError):
    """The users file is missing or malformed."""


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    password_hash: str
    name: str = ""

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]

    @property
    def display_name(self) -> str:
        return self.name or self.username


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$hash`, the password NFC-normalised first (the same text typed on any keyboard)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        nfc(password).encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_LEN
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = encoded.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            nfc(password).encode("utf-8"),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(_unb64(expected)),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, _unb64(expected))


# A hash to compare against when the user does not exist, so that timing does not tell names apart.
_DUMMY_HASH = hash_password("not a password", salt=b"\0" * 16)


def load_users(path: Path) -> dict[str, User]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsersError(f"cannot read the users file {path}: {exc.strerror or exc}") from exc
    try:
        data: Any = json.loads(text) if Path(path).suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise UsersError(f"the users file {path} is not valid YAML/JSON: {exc}") from exc
    entries = data.get("users") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise UsersError(f"the users file {path} needs a `users:` list")
    users: dict[str, User] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise UsersError(f"user #{number} in {path} is not a mapping")
        try:
            username = nfc(str(entry["username"])).strip()
            role = Role(str(entry["role"]))
            password_hash = str(entry["password"])
        except KeyError as exc:
            raise UsersError(f"user #{number} in {path} has no {exc.args[0]!r}") from exc
        except ValueError as exc:
            raise UsersError(f"user #{number} in {path}: role must be officer, qa or admin") from exc
        if not password_hash.startswith("scrypt$"):
            raise UsersError(
                f"user {username!r} in {path}: password must be a scrypt hash (see review.users)"
            )
        if not username or username in users:
            raise UsersError(f"user #{number} in {path}: empty or duplicate username")
        users[username] = User(username, role, password_hash, nfc(str(entry.get("name") or "")))
    return users


def authenticate(users: dict[str, User], username: str, password: str) -> User | None:
    user = users.get(nfc(username).strip())
    ok = verify_password(password, user.password_hash if user else _DUMMY_HASH)
    return user if ok and user is not None else None


@dataclass(frozen=True)
class Session:
    username: str
    issued_at: float
    nonce: str


class Signer:
    """HMAC-SHA256 signatures over short payloads: session cookies and CSRF tokens."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the session secret must be at least 16 bytes")
        self._secret = secret

    def _mac(self, purpose: str, payload: str) -> str:
        message = f"{purpose}\n{payload}".encode()
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest())

    def session_cookie(self, username: str, *, now: float | None = None) -> str:
        payload = _b64(
            json.dumps(
                {"u": username, "t": int(now if now is not None else time.time()), "n": secrets.token_hex(8)},
                ensure_ascii=False,
            ).encode("utf-8")
        )
        return f"{payload}.{self._mac('session', payload)}"

    def read_session(
        self, cookie: str | None, *, max_age: float = SESSION_MAX_AGE_SECONDS, now: float | None = None
    ) -> Session | None:
        if not cookie or "." not in cookie:
            return None
        payload, _, mac = cookie.rpartition(".")
        if not hmac.compare_digest(mac, self._mac("session", payload)):
            return None
        try:
            data = json.loads(_unb64(payload))
            session = Session(str(data["u"]), float(data["t"]), str(data["n"]))
        except (ValueError, KeyError, TypeError):
            return None
        current = now if now is not None else time.time()
        if not (0 <= current - session.issued_at <= max_age):
            return None
        return session

    def csrf_token(self, nonce: str) -> str:
        return self._mac("csrf", nonce)

    def check_csrf(self, nonce: str | None, token: str | None) -> bool:
        if not nonce or not token:
            return False
        return hmac.compare_digest(token, self.csrf_token(nonce))

"""Passwords (scrypt), the signed session cookie and its CSRF token — standard library only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
SESSION_SECONDS = 8 * 3600  # one working day
COOKIE = "observatoire_session"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash`, the form stored in CPTS_PORTAIL_COMPTES."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time check; an unknown account costs the same scrypt as a known one."""
    try:
        scheme, n, r, p, salt, expected = (stored or "").split("$")
        assert scheme == "scrypt"
        params, salt_b, expected_b = {"n": int(n), "r": int(r), "p": int(p)}, _unb64(salt), _unb64(expected)
    except (ValueError, AssertionError):
        params, salt_b, expected_b = SCRYPT, b"\0" * 16, b""
    digest = hashlib.scrypt(password.encode(), salt=salt_b, **params)
    return hmac.compare_digest(digest, expected_b)


@dataclass(frozen=True)
class Session:
    csrf: str
    user: str | None = None
    expires: float = 0.0

    @classmethod
    def anonymous(cls) -> Session:
        return cls(csrf=secrets.token_urlsafe(24), expires=time.time() + SESSION_SECONDS)

    def logged_in(self, user: str) -> Session:
        # A new CSRF token at login: a token seen before authentication is not reused after.
        return Session(secrets.token_urlsafe(24), user, time.time() + SESSION_SECONDS)


def sign(session: Session, key: bytes) -> str:
    body = _b64(json.dumps({"c": session.csrf, "u": session.user, "e": session.expires}).encode())
    mac = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
    return f"{body}.{mac}"


def unsign(cookie: str | None, key: bytes) -> Session | None:
    """The session of a valid, unexpired cookie; None for anything else."""
    if not cookie or "." not in cookie:
        return None
    body, mac = cookie.rsplit(".", 1)
    good = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(mac, good):
        return None
    try:
        data = json.loads(_unb64(body))
        session = Session(str(data["c"]), data["u"], float(data["e"]))
    except (ValueError, KeyError, TypeError):
        return None
    return session if session.expires > time.time() else None


def csrf_ok(session: Session, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session.csrf, str(submitted))

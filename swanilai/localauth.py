"""Signing in to the desk in local mode (`build.py serve`): one-time links, signed sessions, a local verifier.

No AWS is involved. `serve` prints a sign-in link for the local admin,
`http://127.0.0.1:8000/asesor/#masuk=<one-time token>`; the page exchanges the token
(`POST /api/desk/session`) for an ID token: a JWT signed with HMAC-SHA256 under a key made when the
server starts, carrying the claims a Cognito ID token carries (`sub`, `name`, `custom:registration`,
`email`, `cognito:groups`, `iss`, `aud`, `exp`). The verifier registered for the template's desk
authorizer checks signature, algorithm, issuer, audience, expiry and revocation, and hands the
desk function the claims exactly as API Gateway's JWT authorizer does (every value a string, an
array as `[a b]`), so the function cannot tell local mode from AWS.

One-time tokens are random (256 bits), kept only as their SHA-256, used once, and expire after
ONE_TIME_SECONDS. Sessions end at EXPIRY, on sign-out (`DELETE /api/desk/session` revokes the
token) and when the server stops (the key is gone). Users (the local admin and whoever the admin
invites) are kept in `<store>/.desk/users.json`, readable by the owner only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from handler.deskconfig import AlreadyInvited, Invited
from handler.deskrules import ADMIN, ASSESSOR
from swanilai.assessor.files import write_atomically

ISSUER = "swanilai-local"
AUDIENCE = "swanilai-desk"
ALGORITHM = "HS256"
SESSION_SECONDS = 8 * 3600
ONE_TIME_SECONDS = 600
DESK_PATH = "/asesor/"
LINK_PARAMETER = "masuk"
LOCAL_ADMIN = {"email": "admin@lokal.invalid", "name": "Admin Lokal", "registration": "MET.LOKAL"}


@dataclass(frozen=True)
class LocalUser:
    sub: str
    email: str
    name: str
    registration: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Session:
    id_token: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def gateway_claims(payload: dict[str, Any]) -> dict[str, str]:
    """Claims as API Gateway's JWT authorizer delivers them in payload 2.0: strings, arrays as `[a b]`."""
    claims = {}
    for name, value in payload.items():
        if isinstance(value, list):
            claims[name] = "[" + " ".join(str(item) for item in value) + "]"
        elif isinstance(value, bool):
            claims[name] = "true" if value else "false"
        else:
            claims[name] = str(value)
    return claims


class LocalAuth:
    """The local users, their one-time links and sessions; the verifier of the desk's routes."""

    def __init__(
        self,
        users_file: Path,
        origin: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        key: bytes | None = None,
    ) -> None:
        self.users_file = Path(users_file)
        self.origin = origin
        self.clock = clock
        self._key = key or secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._links: dict[str, tuple[str, datetime]] = {}  # sha256(token) -> (sub, expiry)
        self._revoked: dict[str, datetime] = {}  # jti -> the token's expiry
        self._users = self._load()

    # -- users

    def _load(self) -> dict[str, LocalUser]:
        try:
            data = json.loads(self.users_file.read_bytes())
            return {item["sub"]: LocalUser(**{**item, "groups": tuple(item["groups"])}) for item in data["users"]}
        except FileNotFoundError:
            return {}
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(
                f"{self.users_file} is damaged ({type(exc).__name__}); remove it to start afresh"
            ) from None

    def _save(self) -> None:
        self.users_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = {"users": [asdict(user) for user in self._users.values()]}
        write_atomically(self.users_file, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))

    def users(self) -> list[LocalUser]:
        with self._lock:
            return list(self._users.values())

    def ensure_admin(self) -> LocalUser:
        """The local admin (made on first use): the account `serve`'s sign-in link is for."""
        with self._lock:
            for user in self._users.values():
                if ADMIN in user.groups:
                    return user
            user = LocalUser(str(uuid.uuid4()), groups=(ASSESSOR, ADMIN), **LOCAL_ADMIN)
            self._users[user.sub] = user
            self._save()
            return user

    def add_user(self, email: str, name: str, registration: str, groups: tuple[str, ...]) -> LocalUser:
        with self._lock:
            if any(user.email == email for user in self._users.values()):
                raise AlreadyInvited(email)
            user = LocalUser(str(uuid.uuid4()), email, name, registration, tuple(groups))
            self._users[user.sub] = user
            self._save()
            return user

    def invite(self, email: str, name: str, registration: str, groups: tuple[str, ...]) -> Invited:
        """The desk's invitation in local mode: a new local user and a one-time sign-in link for them."""
        user = self.add_user(email, name, registration, groups)
        return Invited(user.sub, user.email, user.name, user.registration, user.groups, self.sign_in_link(user.sub))

    # -- one-time links

    def sign_in_link(self, sub: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = self.clock()
            self._links = {digest: item for digest, item in self._links.items() if item[1] > now}
            self._links[_digest(token)] = (sub, now + timedelta(seconds=ONE_TIME_SECONDS))
        return f"{self.origin}{DESK_PATH}#{LINK_PARAMETER}={token}"

    def exchange(self, token: Any) -> Session | None:
        """A session for a one-time token, once; None when it is unknown, used or expired."""
        if not isinstance(token, str) or not 16 <= len(token) <= 256:
            return None
        with self._lock:
            found = self._links.pop(_digest(token), None)
            user = self._users.get(found[0]) if found else None
        if found is None or user is None or found[1] <= self.clock():
            return None
        return self.session(user)

    # -- sessions

    def session(self, user: LocalUser) -> Session:
        now = self.clock()
        expires = now + timedelta(seconds=SESSION_SECONDS)
        payload = {
            "sub": user.sub,
            "email": user.email,
            "email_verified": True,
            "name": user.name,
            "custom:registration": user.registration,
            "cognito:groups": list(user.groups),
            "iss": ISSUER,
            "aud": AUDIENCE,
            "token_use": "id",
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": uuid.uuid4().hex,
        }
        return Session(self.sign(payload), expires)

    def sign(self, payload: dict[str, Any], header: dict[str, Any] | None = None) -> str:
        head = _b64(json.dumps(header or {"alg": ALGORITHM, "typ": "JWT"}, separators=(",", ":")).encode())
        body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
        signature = hmac.new(self._key, f"{head}.{body}".encode("ascii"), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(signature)}"

    def payload(self, token: str) -> dict[str, Any] | None:
        """The payload of a token this server signed and has not revoked, unexpired; else None."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        try:
            header = json.loads(_unb64(parts[0]))
            signature = _unb64(parts[2])
            if not isinstance(header, dict) or header.get("alg") != ALGORITHM:
                return None  # "none", RS256 or anything else this server never signs with
            expected = hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256).digest()
            if not hmac.compare_digest(signature, expected):
                return None
            payload = json.loads(_unb64(parts[1]))
        except (ValueError, UnicodeError):
            return None
        if not isinstance(payload, dict) or payload.get("iss") != ISSUER or payload.get("aud") != AUDIENCE:
            return None
        expiry = payload.get("exp")
        if not isinstance(expiry, int) or expiry <= self.clock().timestamp():
            return None
        with self._lock:
            if payload.get("jti") in self._revoked or payload.get("sub") not in self._users:
                return None
        return payload

    def verify(self, headers: dict[str, str]) -> dict[str, str] | None:
        """The local stand-in for the HTTP API's JWT authorizer: claims as API Gateway gives them, or None (401)."""
        token = bearer(headers)
        payload = self.payload(token) if token else None
        return gateway_claims(payload) if payload is not None else None

    def revoke(self, headers: dict[str, str]) -> bool:
        """Sign out: the token stops working now (True), or it was no valid token (False)."""
        token = bearer(headers)
        payload = self.payload(token) if token else None
        if payload is None:
            return False
        with self._lock:
            now = self.clock()
            self._revoked = {jti: exp for jti, exp in self._revoked.items() if exp > now}
            self._revoked[str(payload["jti"])] = datetime.fromtimestamp(payload["exp"], UTC)
        return True


def bearer(headers: dict[str, str]) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()

"""Who is asking: the signed-in account, read from the claims the gateway's JWT authorizer vouched for.

In AWS the HTTP API's JWT authorizer checks the Cognito ID token (issuer, audience, expiry,
signature) before the function runs and hands its claims over in
`requestContext.authorizer.jwt.claims`; locally `build.py serve`'s verifier puts its own token's
claims in the same place (swanilai/localauth.py). Payload format 2.0 delivers every claim as a
string: an array such as `cognito:groups` arrives as `[asesor admin]`. Both that and a JSON array
(or a real list, as a test or the local server may give) are read. Standard library only (Lambda).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

NAME_CLAIM = "name"
REGISTRATION_CLAIM = "custom:registration"
GROUPS_CLAIM = "cognito:groups"


@dataclass(frozen=True)
class Account:
    sub: str
    name: str
    registration: str
    email: str
    groups: frozenset[str]

    def in_any(self, *groups: str) -> bool:
        return bool(self.groups.intersection(groups))

    def to_dict(self) -> dict[str, Any]:
        return {
            "sub": self.sub,
            "name": self.name,
            "registration": self.registration,
            "email": self.email,
            "groups": sorted(self.groups),
        }


def claims_of(event: Any) -> dict[str, Any] | None:
    """The authorizer's claims of a payload 2.0 event, or None when there are none."""
    context = event.get("requestContext") if isinstance(event, dict) else None
    authorizer = context.get("authorizer") if isinstance(context, dict) else None
    jwt = authorizer.get("jwt") if isinstance(authorizer, dict) else None
    claims = jwt.get("claims") if isinstance(jwt, dict) else None
    return claims if isinstance(claims, dict) else None


def account_from_claims(claims: dict[str, Any]) -> Account | None:
    """The account the claims name, or None when they name nobody (no `sub`)."""
    sub = _text(claims.get("sub"))
    if not sub:
        return None
    return Account(
        sub=sub,
        name=_text(claims.get(NAME_CLAIM)),
        registration=_text(claims.get(REGISTRATION_CLAIM)),
        email=_text(claims.get("email")),
        groups=parse_groups(claims.get(GROUPS_CLAIM)),
    )


def parse_groups(value: Any) -> frozenset[str]:
    """Group names from a claim: `[asesor admin]` (API Gateway), `["asesor","admin"]`, a list, or one name."""
    if value is None:
        return frozenset()
    if isinstance(value, list | tuple):
        return frozenset(str(item) for item in value if str(item))
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return frozenset(str(item) for item in parsed if str(item))
        text = text[1:-1]
    return frozenset(part for part in text.replace(",", " ").split() if part)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""

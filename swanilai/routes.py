"""The HTTP API's routes as `infra/template.yaml` declares them: one list for AWS and the local server.

In AWS, API Gateway routes each request to the function the template names for it, after the
route's authorizer (if any) has checked the token. `build.py serve` reads the same declarations,
so the local server can never offer a route the deployed API lacks, or miss one it has: each
`AWS::Serverless::Function` event of type `HttpApi` is a route (method, path template, the
function's `Handler`, the authorizer named in `Auth`, else the API's default authorizer).
A test holds these routes equal to the paths of `docs/openapi.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from swanilai.paths import INFRA_DIR

TEMPLATE = INFRA_DIR / "template.yaml"
# API Gateway's path variables: {name} is one segment, {name+} the rest of the path.
_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}")


@dataclass(frozen=True)
class Route:
    method: str  # POST, GET, ... or ANY
    path: str  # the template's path, e.g. /desk/submissions/{submission_id}
    entry: str  # the function's Handler, e.g. handler.app.lambda_handler
    authorizer: str | None = None  # the name of the route's authorizer; None: public

    @property
    def route_key(self) -> str:
        """As API Gateway writes it into the event: `POST /submissions`."""
        return f"{self.method} {self.path}"

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters when `path` is this route's path, else None."""
        found = _pattern(self.path).fullmatch(path)
        return None if found is None else found.groupdict()

    def allows(self, method: str) -> bool:
        return self.method in ("ANY", method)


@lru_cache(maxsize=256)
def _pattern(template: str) -> re.Pattern[str]:
    parts, last = [], 0
    for variable in _VARIABLE.finditer(template):
        parts.append(re.escape(template[last : variable.start()]))
        parts.append(f"(?P<{variable[1]}>.+)" if variable[2] else f"(?P<{variable[1]}>[^/]+)")
        last = variable.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts))


def template_routes(template: dict) -> tuple[Route, ...]:
    """Every HttpApi route of a loaded template, in the template's order."""
    resources = template.get("Resources", {})
    default_authorizers = {
        name: ((spec.get("Properties") or {}).get("Auth") or {}).get("DefaultAuthorizer")
        for name, spec in resources.items()
        if spec.get("Type") == "AWS::Serverless::HttpApi"
    }
    routes = []
    for spec in resources.values():
        if spec.get("Type") != "AWS::Serverless::Function":
            continue
        properties = spec.get("Properties") or {}
        for event in (properties.get("Events") or {}).values():
            if event.get("Type") != "HttpApi":
                continue
            settings = event.get("Properties") or {}
            api = (settings.get("ApiId") or {}).get("Ref")
            authorizer = (settings.get("Auth") or {}).get("Authorizer", default_authorizers.get(api))
            routes.append(
                Route(
                    method=str(settings.get("Method", "ANY")).upper(),
                    path=str(settings["Path"]),
                    entry=str(properties["Handler"]),
                    authorizer=None if authorizer in (None, "NONE") else str(authorizer),
                )
            )
    return tuple(routes)


def load_routes(path: Path = TEMPLATE) -> tuple[Route, ...]:
    """The routes the deployment template declares (what `build.py serve` offers under /api)."""
    from swanilai.publish import load_template  # PyYAML with CloudFormation's short tags

    return template_routes(load_template(path))


def resolve(routes: tuple[Route, ...], method: str, path: str) -> tuple[Route | None, dict[str, str], list[Route]]:
    """The route for a request, its path parameters, and every route of that path (for a 405)."""
    on_path = [(route, params) for route in routes if (params := route.match(path)) is not None]
    for route, params in on_path:
        if route.allows(method):
            return route, params, [route for route, _ in on_path]
    return None, {}, [route for route, _ in on_path]

"""One list of routes: the template declares them, OpenAPI documents them, the local server serves them."""

from __future__ import annotations

import importlib

import pytest
import yaml

from swanilai.paths import OPENAPI
from swanilai.routes import Route, load_routes, resolve, template_routes

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def openapi_operations() -> set[tuple[str, str]]:
    """Every documented operation but the CORS preflight, which API Gateway answers itself in AWS."""
    spec = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in HTTP_METHODS and method != "options"
    }


def test_the_templates_routes_are_exactly_the_documented_operations():
    declared = {(route.method, route.path) for route in load_routes()}
    assert declared == openapi_operations()


@pytest.mark.parametrize("route", load_routes(), ids=lambda route: route.route_key)
def test_every_route_names_a_function_that_exists(route):
    module, _, function = route.entry.rpartition(".")
    assert module.split(".")[0] == "handler", f"{route.route_key}: a Lambda entry point lives in handler/"
    assert callable(getattr(importlib.import_module(module), function))


ROUTES = (
    Route("POST", "/submissions", "handler.app.lambda_handler"),
    Route("GET", "/things/{thing_id}", "handler.x.get", "jwt"),
    Route("POST", "/things/{thing_id}/parts", "handler.x.add", "jwt"),
    Route("GET", "/files/{path+}", "handler.x.files"),
)


@pytest.mark.parametrize(
    "method, path, expected_route, expected_parameters, expected_on_path",
    [
        ("POST", "/submissions", "POST /submissions", {}, ["POST /submissions"]),
        ("GET", "/submissions", None, {}, ["POST /submissions"]),
        ("GET", "/things/abc", "GET /things/{thing_id}", {"thing_id": "abc"}, ["GET /things/{thing_id}"]),
        ("GET", "/things/a/b", None, {}, []),
        (
            "POST",
            "/things/a/parts",
            "POST /things/{thing_id}/parts",
            {"thing_id": "a"},
            ["POST /things/{thing_id}/parts"],
        ),
        ("GET", "/files/a/b/c.pdf", "GET /files/{path+}", {"path": "a/b/c.pdf"}, ["GET /files/{path+}"]),
        ("GET", "/submissionsX", None, {}, []),
        ("GET", "/things/", None, {}, []),
    ],
    ids=[
        "exact",
        "wrong-method",
        "parameter",
        "parameter-is-one-segment",
        "nested",
        "greedy",
        "prefix-only",
        "empty-parameter",
    ],
)
def test_a_request_resolves_as_api_gateway_routes_it(
    method, path, expected_route, expected_parameters, expected_on_path
):
    route, parameters, on_path = resolve(ROUTES, method, path)
    assert (route.route_key if route else None, parameters, [r.route_key for r in on_path]) == (
        expected_route,
        expected_parameters,
        expected_on_path,
    )


def test_routes_take_the_events_authorizer_else_the_apis_default():
    template = {
        "Resources": {
            "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {"Auth": {"DefaultAuthorizer": "Pool"}}},
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Handler": "handler.desk.lambda_handler",
                    "Events": {
                        "Me": {
                            "Type": "HttpApi",
                            "Properties": {"ApiId": {"Ref": "Api"}, "Method": "get", "Path": "/me"},
                        },
                        "Open": {
                            "Type": "HttpApi",
                            "Properties": {
                                "ApiId": {"Ref": "Api"},
                                "Method": "POST",
                                "Path": "/open",
                                "Auth": {"Authorizer": "NONE"},
                            },
                        },
                        "Queue": {"Type": "SQS", "Properties": {}},
                    },
                },
            },
        }
    }
    assert template_routes(template) == (
        Route("GET", "/me", "handler.desk.lambda_handler", "Pool"),
        Route("POST", "/open", "handler.desk.lambda_handler", None),
    )

"""infra/publish.py: the site checked under its real CSP in Chromium, the function packaged by
`sam build` and run against moto, the site upload, and the AWS calls of a deploy (stubbed)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support.infra import publish

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
SEED_ID = "konsultasi-manajemen-pemasaran"
SITE_ORIGIN = "https://d111111abcdef8.cloudfront.net"


# -- the built site under its Content-Security-Policy


@pytest.mark.parametrize(
    "html, problem",
    [
        (
            '<p style="color: red">x</p>',
            "site/page.html:1: <p style=...> is blocked by the CSP (style-src 'self'); move the rule into a stylesheet",
        ),
        (
            '<button onclick="go()">x</button>',
            "site/page.html:1: <button onclick=...> is blocked by the CSP; bind the handler from a script file",
        ),
        (
            "\n<style>p {}</style>",
            "site/page.html:2: <style> element is blocked by the CSP (style-src 'self'); move it into a stylesheet",
        ),
        (
            '<a href="javascript:go()">x</a>',
            'site/page.html:1: <a href="javascript:..."> is blocked by the CSP; use a script file',
        ),
    ],
    ids=["style-attribute", "event-handler", "style-element", "javascript-url"],
)
def test_scan_names_what_the_csp_would_block_with_file_and_line(tmp_path, monkeypatch, html, problem):
    monkeypatch.setattr(publish, "ROOT", tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.html").write_text(html)
    assert publish.scan_site(tmp_path / "site").problems == (problem,)


def test_scan_hashes_executable_inline_scripts_only(tmp_path):
    (tmp_path / "a.html").write_text(
        '<script>var a = "é";</script><script id="__config" type="application/json">{"x": 1}</script>'
        '<script src="x.js"></script><script type="module">b()</script>'
    )
    (tmp_path / "b.html").write_text('<script>var a = "é";</script>')
    expected = sorted(
        __import__("base64").b64encode(hashlib.sha256(text.encode()).digest()).decode()
        for text in ('var a = "é";', "b()")
    )
    scan = publish.scan_site(tmp_path)
    assert (list(scan.inline_script_hashes), scan.problems) == (expected, ())


@pytest.mark.parametrize(
    "api_url, origin",
    [
        ("/api/submissions", ""),
        (
            "https://abc123.execute-api.ap-southeast-3.amazonaws.com/submissions",
            "https://abc123.execute-api.ap-southeast-3.amazonaws.com",
        ),
        ("https://api.lsp.example:8443/submissions", "https://api.lsp.example:8443"),
    ],
)
def test_api_origin_is_what_connect_src_must_allow(api_url, origin):
    assert publish.api_origin(api_url) == origin


@pytest.mark.parametrize("api_url", ["http://abc.example/submissions", "ftp://abc.example/x"])
def test_api_url_must_be_https(api_url):
    with pytest.raises(publish.PublishError, match="must be an https:// URL"):
        publish.api_origin(api_url)


class _HeaderServer:
    """The built site over HTTP on 127.0.0.1 with the Content-Security-Policy of the moment."""

    def __init__(self, site_dir: Path) -> None:
        self.csp = ""
        outer = self

        class Handler(SimpleHTTPRequestHandler):
            def end_headers(self) -> None:
                self.send_header("Content-Security-Policy", outer.csp)
                super().end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site_dir)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def csp_site(site_dir):
    server = _HeaderServer(site_dir)
    yield server
    server.close()


def violations(browser, url: str) -> tuple[list[str], str]:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
    )
    messages: list[str] = []
    page.on(
        "console", lambda message: messages.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    found = page.evaluate("window.__csp") + messages
    md_get = page.evaluate("typeof window.__md_get")
    context.close()
    return found, md_get


PAGES = ["/", f"/skema/{SEED_ID}/", "/asesor/", "/404.html"]


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_built_pages_run_under_the_packaged_csp_without_a_violation(browser, site_dir, csp_site, path):
    csp_site.csp = publish.site_csp(publish.csp_parameters(publish.scan_site(site_dir), "/api/submissions"))
    found, md_get = violations(browser, csp_site.url + path)
    assert found == []
    assert md_get == "function"  # Material's inline bootstrap ran


@pytest.mark.browser
def test_without_the_script_hashes_the_csp_blocks_materials_inline_scripts(browser, csp_site):
    # The control: the check above would notice if the hashes were wrong or missing.
    csp_site.csp = publish.site_csp({})
    found, md_get = violations(browser, csp_site.url + f"/skema/{SEED_ID}/")
    assert found and md_get == "undefined"


# -- the function package


# What the Lambda runs, and all it ships: the one list to update when handler/ gains or loses a module.
LAMBDA_MODULES = (
    "__init__",
    "account",
    "app",
    "catalog",
    "config",
    "desk",
    "deskconfig",
    "deskrules",
    "erasure",
    "errors",
    "evidence",
    "export",
    "fields",
    "filing",
    "index",
    "indexer",
    "log",
    "png",
    "record",
    "render",
    "request",
    "response",
    "reviews",
    "scheme",
    "status",
    "store",
    "submission",
    "text",
    "upload",
    "wib",
    "xlsx",
)


def lambda_files(scheme_ids: list[str]) -> list[str]:
    """The staged function's exact file list: the modules, the compiled catalog, the pins for `sam build`."""
    return sorted(
        [f"handler/{module}.py" for module in LAMBDA_MODULES]
        + [f"handler/catalog/{scheme_id}.json" for scheme_id in scheme_ids]
        + ["requirements.txt"]
    )


def test_stage_ships_exactly_the_lambda_runtime_files(tmp_path, catalog_dir):
    # The real handler/, copied with what a working tree accumulates that must never ship.
    handler_dir = tmp_path / "handler"
    shutil.copytree(publish.HANDLER_DIR, handler_dir, ignore=shutil.ignore_patterns("__pycache__", "catalog"))
    (handler_dir / "__pycache__").mkdir()
    (handler_dir / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\x00")
    (handler_dir / "catalog").mkdir()
    (handler_dir / "catalog" / "stale.json").write_text("{}")  # from an earlier build
    dest = publish.stage_function(catalog_dir, dest=tmp_path / "stage", handler_dir=handler_dir)
    shipped = {str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file()}
    expected = set(lambda_files(sorted(p.stem for p in catalog_dir.glob("*.json"))))
    assert (sorted(shipped - expected), sorted(expected - shipped)) == ([], []), (
        "the staged function (unexpected files, missing files): a new runtime module of handler/ goes into "
        "LAMBDA_MODULES; anything else (tests, docs, build-time code) does not belong in handler/"
    )
    assert (dest / "requirements.txt").read_bytes() == (publish.HANDLER_DIR / "requirements.txt").read_bytes()


def test_stage_refuses_a_handler_without_its_entry_point(tmp_path, catalog_dir):
    (tmp_path / "handler").mkdir()
    with pytest.raises(publish.PublishError, match="handler/app.py is missing"):
        publish.stage_function(catalog_dir, dest=tmp_path / "stage", handler_dir=tmp_path / "handler")


def test_site_and_catalog_must_hold_the_same_schemes(tmp_path, catalog_dir, site_dir):
    publish.check_same_schemes(catalog_dir, site_dir)
    other = tmp_path / "catalog"
    other.mkdir()
    (other / "skema-lain.json").write_text("{}")
    with pytest.raises(
        publish.PublishError, match=r"only in the catalog \['skema-lain'\], only in the site \['konsultasi"
    ):
        publish.check_same_schemes(other, site_dir)


def test_sam_reads_the_parameters_file_as_written(tmp_path):
    parameters = {
        "ApiOrigin": "https://abc.execute-api.ap-southeast-3.amazonaws.com",
        "InlineScriptHashes": "A" * 43 + "=,B+/" + "C" * 40 + "=",
    }
    path = publish.write_parameters(parameters, tmp_path / "parameters.yaml")
    sam_python = ROOT / ".venv" / "tools" / "sam" / "bin" / "python"
    code = (
        "import json, sys\nfrom samcli.cli.types import CfnParameterOverridesType as T\n"
        "print(json.dumps(T().convert(tuple(sys.argv[1:]), None, None)))"
    )
    result = subprocess.run(
        [str(sam_python), "-c", code, f"file://{path}", "NotificationEmail=admin@lsp.example"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {**parameters, "NotificationEmail": "admin@lsp.example"}


def runtime_python_dir() -> str:
    """A directory holding the runtime's interpreter (python3.13), for `sam build`'s PATH."""
    candidates = [shutil.which(publish.RUNTIME_PYTHON)]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(
        str(p) for p in pyenv_root.glob(f"versions/{publish.RUNTIME_PYTHON[6:]}*/bin/{publish.RUNTIME_PYTHON}")
    )
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:
            return str(Path(candidate).parent)
    pytest.fail(f"`sam build` needs {publish.RUNTIME_PYTHON} on PATH (the function's runtime)")


@pytest.fixture(scope="module")
def built_function(tmp_path_factory, catalog_dir) -> Path:
    """`sam build` of the real template and handler, staged with the real catalog, in a temp dir."""
    work = tmp_path_factory.mktemp("sam")
    shutil.copy2(publish.TEMPLATE, work / "template.yaml")
    publish.stage_function(catalog_dir, dest=work / "build" / "function")
    env = {**publish.tool_environment(), "PATH": runtime_python_dir() + os.pathsep + os.environ["PATH"]}
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "tools" / "sam" / "bin" / "sam"),
            "build",
            "--template-file",
            str(work / "template.yaml"),
            "--build-dir",
            str(work / ".aws-sam" / "build"),
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return work / ".aws-sam" / "build" / "SubmitFunction"


INVOKE = """
import json, os, sys, uuid
build_dir, scheme_id, origin = sys.argv[1:4]  # build_dir is on PYTHONPATH, as Lambda's task root is
import boto3
from moto import mock_aws

class Context:
    aws_request_id = "r1"
    function_name = "SubmitFunction"
    memory_limit_in_mb = 512
    def get_remaining_time_in_millis(self):
        return 25000

with mock_aws():
    s3 = boto3.client("s3", region_name="ap-southeast-3")
    s3.create_bucket(Bucket=os.environ["SUBMISSIONS_BUCKET"], CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
    import handler.app
    package_dir = os.path.dirname(handler.app.__file__)
    catalog = json.loads(open(os.path.join(package_dir, "catalog", scheme_id + ".json"), encoding="utf-8").read())
    notice = json.loads(open(os.path.join(package_dir, "catalog", "privacy_notice.json"), encoding="utf-8").read())
    body = {"scheme": {"id": scheme_id, "version": catalog["version"]}, "submission_id": str(uuid.uuid4()),
            "candidate": {"name": "Siti Rahma"},
            "answers": {e["key"]: {"verdict": "K", "evidence": "Laporan kerja 2024"} for u in catalog["units"] for e in u["elements"]},
            "declaration": True, "signature": "Siti Rahma",
            "consent": {"given": True, "notice_version": notice["version"]}, "status_key_sha256": "0" * 64}
    event = {"version": "2.0", "routeKey": "POST /submissions", "rawPath": "/submissions",
             "headers": {"content-type": "application/json", "origin": origin},
             "requestContext": {"http": {"method": "POST", "path": "/submissions", "sourceIp": "127.0.0.1"},
                                "requestId": "r1", "timeEpoch": 0},
             "body": json.dumps(body), "isBase64Encoded": False}
    response = handler.app.lambda_handler(event, Context())
    listed = s3.list_objects_v2(Bucket=os.environ["SUBMISSIONS_BUCKET"], Prefix="submissions/").get("Contents", [])
    print(json.dumps({"status": response["statusCode"], "submission_id": body["submission_id"],
                      "keys": [item["Key"] for item in listed], "handler": handler.app.__file__, "boto3": boto3.__file__}))
"""


def test_built_function_stores_a_valid_submission(built_function, catalog_dir):
    env = {
        "PATH": os.environ["PATH"],
        "SUBMISSIONS_BUCKET": "swanilai-built-function",
        "ALLOWED_ORIGINS": SITE_ORIGIN,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_REGION": "ap-southeast-3",
        "PYTHONPATH": str(built_function),
    }
    result = subprocess.run(
        [sys.executable, "-c", INVOKE, str(built_function), SEED_ID, SITE_ORIGIN],
        env=env,
        cwd=built_function.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    # The handler and boto3 came from the package, not from the test's environment.
    assert outcome["handler"].startswith(str(built_function)) and outcome["boto3"].startswith(str(built_function))
    assert outcome["status"] == 201
    record = re.compile(rf"submissions/{SEED_ID}/\d{{4}}/\d{{2}}/\d{{2}}/{outcome['submission_id']}\.json")
    assert len([key for key in outcome["keys"] if record.fullmatch(key)]) == 1


def test_built_function_carries_the_catalog_and_the_pinned_boto3(built_function, catalog_dir):
    shipped = built_function / "handler" / "catalog" / f"{SEED_ID}.json"
    assert shipped.read_bytes() == (catalog_dir / f"{SEED_ID}.json").read_bytes()
    pin = re.search(r"(?m)^boto3==(\S+)$", (ROOT / "handler" / "requirements.txt").read_text()).group(1)
    assert (built_function / f"boto3-{pin}.dist-info").is_dir()


# -- publishing the site


@pytest.fixture
def site_bucket(s3) -> str:
    name = "swanilai-site"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
    return name


def write_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_sync_uploads_assets_before_pages_with_type_and_caching(s3, site_bucket, tmp_path):
    site = write_site(
        tmp_path / "site",
        {
            "index.html": "<p>x</p>",
            "skema/a/index.html": "<p>a</p>",
            "assets/javascripts/bundle.a5f9d56c.min.js": "b()",
            "assets/form.css": "p{}",
        },
    )
    result = publish.sync_site(s3, site_bucket, site)
    assert result.uploaded == (
        "assets/form.css",
        "assets/javascripts/bundle.a5f9d56c.min.js",
        "index.html",
        "skema/a/index.html",
    )
    heads = {key: s3.head_object(Bucket=site_bucket, Key=key) for key in result.uploaded}
    assert heads["index.html"]["ContentType"] == "text/html; charset=utf-8"
    assert heads["index.html"]["CacheControl"] == publish.CACHE_REVALIDATE
    assert heads["assets/javascripts/bundle.a5f9d56c.min.js"]["CacheControl"] == publish.CACHE_IMMUTABLE
    assert heads["assets/form.css"]["ContentType"] == "text/css; charset=utf-8"


def test_sync_uploads_only_changes_and_removes_what_is_gone(s3, site_bucket, tmp_path):
    site = write_site(
        tmp_path / "site", {"index.html": "<p>x</p>", "skema/a/index.html": "<p>a</p>", "skema/b/index.html": "b"}
    )
    publish.sync_site(s3, site_bucket, site)
    (site / "index.html").write_text("<p>y</p>")
    shutil.rmtree(site / "skema" / "b")
    result = publish.sync_site(s3, site_bucket, site)
    assert (result.uploaded, result.deleted, result.unchanged) == (("index.html",), ("skema/b/index.html",), 1)
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=site_bucket)["Contents"]]
    assert keys == ["index.html", "skema/a/index.html"]


def stubbed(service: str):
    import boto3
    from botocore.stub import Stubber

    client = boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    return client, Stubber(client)


def test_stack_outputs_of_a_missing_stack_are_none():
    client, stub = stubbed("cloudformation")
    stub.add_client_error("describe_stacks", "ValidationError", "Stack with id swanilai does not exist", 400)
    with stub:
        assert publish.stack_outputs(client, "swanilai") is None


def test_stack_outputs_are_read_by_key():
    client, stub = stubbed("cloudformation")
    stub.add_response(
        "describe_stacks",
        {
            "Stacks": [
                {
                    "StackName": "swanilai",
                    "CreationTime": "2026-11-23T00:00:00Z",
                    "StackStatus": "CREATE_COMPLETE",
                    "Outputs": [{"OutputKey": "ApiUrl", "OutputValue": "https://x/submissions"}],
                }
            ]
        },
        {"StackName": "swanilai"},
    )
    with stub:
        assert publish.stack_outputs(client, "swanilai") == {"ApiUrl": "https://x/submissions"}


def test_invalidation_drops_every_cached_path():
    client, stub = stubbed("cloudfront")
    stub.add_response(
        "create_invalidation",
        {
            "Location": "x",
            "Invalidation": {
                "Id": "I1",
                "Status": "InProgress",
                "CreateTime": "2026-11-23T00:00:00Z",
                "InvalidationBatch": {"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": "c"},
            },
        },
        {
            "DistributionId": "E1",
            "InvalidationBatch": {
                "Paths": {"Quantity": 1, "Items": ["/*"]},
                "CallerReference": __import__("botocore.stub").stub.ANY,
            },
        },
    )
    with stub:
        assert publish.invalidate(client, "E1") == "I1"


@pytest.mark.parametrize("stack_name", ["Swanilai", "swanilai_prod", "9lives", "a" * 41])
def test_deploy_refuses_a_stack_name_buckets_cannot_derive_from(capsys, stack_name):
    assert publish.main(["deploy", "--stack-name", stack_name, "--region", "ap-southeast-3"]) == 1
    assert "use lowercase letters, digits and hyphens" in capsys.readouterr().err

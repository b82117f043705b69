"""Publish Swanilai to AWS: the site and the function that accepts its submissions, always together.

  python3 infra/publish.py package [--api-url URL]
  python3 infra/publish.py deploy --stack-name NAME --region REGION [--parameter KEY=VALUE ...]

`package` builds site/ and the catalog from schemes/ in one run (`build.py build`), checks that the
pages will work under the site's Content-Security-Policy, stages handler/ with that catalog and
runs `sam build`, so the deployed handler knows exactly the schemes of the published pages.
`deploy` packages with the stack's own API URL, runs `sam deploy`, uploads site/ and invalidates
CloudFront. `infra/publish.py` is the command; this module does the work.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from handler.scheme import list_catalog
from swanilai import site as build
from swanilai.paths import ROOT

INFRA = ROOT / "infra"
TEMPLATE = INFRA / "template.yaml"
# The staging directory the template's CodeUri names (infra/build/function/), git-ignored.
STAGE_DIR = INFRA / "build"
FUNCTION_STAGE = STAGE_DIR / "function"
PARAMETERS_FILE = STAGE_DIR / "parameters.yaml"
SAM_BUILD_DIR = ROOT / ".aws-sam" / "build"
HANDLER_DIR = ROOT / "handler"
CATALOG_DIR = HANDLER_DIR / "catalog"
SITE_DIR = ROOT / "site"
SAM_VENV = ROOT / ".venv" / "tools" / "sam"
RUNTIME_PYTHON = "python3.13"  # the template's Runtime: `sam build` needs the same interpreter
# Each allowed inline script costs ~54 characters of a CSP that CloudFront caps (CSP_MAX_LENGTH).
MAX_INLINE_SCRIPTS = 24
# Script types a browser executes; others (application/json, ld+json) are data the CSP ignores.
_EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
# Material for MkDocs fingerprints its assets (bundle.a5f9d56c.min.js): safe to cache for a year.
_FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)(?:\.map)?$")
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
# Browsers revalidate on every visit (a cheap 304); CloudFront keeps the copy until the next
# publish invalidates it, so a candidate never answers a form that is no longer current.
CACHE_REVALIDATE = "public, max-age=0, s-maxage=31536000, must-revalidate"


class PublishError(Exception):
    """A publishing step cannot go on for a reason the LSP can fix; the message says how."""


# -- the site under its Content-Security-Policy


class _PageScan(HTMLParser):
    """Inline scripts and inline-policy problems of one HTML page."""

    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.scripts: list[str] = []
        self.problems: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        names = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self._problem(
                    line, f"<{tag} style=...> is blocked by the CSP (style-src 'self'); move the rule into a stylesheet"
                )
            elif name.startswith("on"):
                self._problem(line, f"<{tag} {name}=...> is blocked by the CSP; bind the handler from a script file")
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self._problem(line, f'<{tag} {name}="javascript:..."> is blocked by the CSP; use a script file')
        if tag == "style":
            self._problem(line, "<style> element is blocked by the CSP (style-src 'self'); move it into a stylesheet")
        if (
            tag == "script"
            and "src" not in names
            and (names.get("type") or "").strip().lower() in _EXECUTABLE_SCRIPT_TYPES
        ):
            self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def _problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.path}:{line}: {message}")


@dataclass(frozen=True)
class SiteScan:
    inline_script_hashes: tuple[str, ...]
    problems: tuple[str, ...]


def scan_site(site_dir: Path) -> SiteScan:
    """Hash every inline script of the built site and list what its CSP would block."""
    hashes: set[str] = set()
    problems: list[str] = []
    for page in sorted(site_dir.rglob("*.html")):
        scan = _PageScan(path=_display(page))
        scan.feed(page.read_text(encoding="utf-8"))
        scan.close()
        problems.extend(scan.problems)
        for script in scan.scripts:
            # The browser hashes the script's text exactly as written, encoded as UTF-8.
            hashes.add(base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode())
    if len(hashes) > MAX_INLINE_SCRIPTS:
        problems.append(
            f"{_display(site_dir)}: {len(hashes)} different inline scripts; the CSP can list at most "
            f"{MAX_INLINE_SCRIPTS}. Move page scripts into files under site_src/docs/assets/"
        )
    return SiteScan(tuple(sorted(hashes)), tuple(problems))


def api_origin(api_url: str) -> str:
    """The origin the CSP must allow for the API; empty when the pages post to their own origin."""
    parts = urlsplit(api_url)
    if not parts.scheme and not parts.netloc:
        return ""
    if parts.scheme != "https" or not parts.hostname:
        raise PublishError(
            f"--api-url {api_url!r} must be an https:// URL (the stack's ApiUrl output) or a path on the site"
        )
    return f"https://{parts.netloc}"


@dataclass(frozen=True)
class DeskSignIn:
    """Where the desk page signs assessors in: the stack's DeskSignInUrl and DeskClientId outputs."""

    url: str  # the user pool's managed login, https://<prefix>.auth.<region>.amazoncognito.com
    client_id: str

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        if parts.scheme != "https" or not parts.hostname:
            raise PublishError(f"the stack's DeskSignInUrl {self.url!r} is not an https:// URL")
        return f"https://{parts.netloc}"

    def page_settings(self) -> dict[str, str]:
        """mkdocs `extra.cognito`, which the desk page reads (site_src/overrides/desk.html)."""
        return {"domain": self.origin, "client_id": self.client_id}


def desk_sign_in(outputs: dict[str, str]) -> DeskSignIn | None:
    """The desk's sign-in from the stack's outputs; None before the stack (or its user pool) exists."""
    url, client_id = outputs.get("DeskSignInUrl"), outputs.get("DeskClientId")
    return DeskSignIn(url, client_id) if url and client_id else None


_UPLOAD_ORIGIN = re.compile(r"https://[a-z0-9.-]+\.amazonaws\.com")


def upload_origin(outputs: dict[str, str]) -> str:
    """Where the pages post evidence files: the stack's UploadOrigin output ("" before the stack has one).

    The template cannot put the bucket into the site's CSP itself (the bucket's CORS names the
    site's distribution, whose headers policy would then name the bucket: a cycle), so each
    publish hands the output back as the UploadOrigin parameter.
    """
    origin = outputs.get("UploadOrigin", "")
    if origin and not _UPLOAD_ORIGIN.fullmatch(origin):
        raise PublishError(f"the stack's UploadOrigin {origin!r} is not an https:// origin of S3")
    return origin


def csp_parameters(
    scan: SiteScan, api_url: str, sign_in: DeskSignIn | None = None, uploads: str = ""
) -> dict[str, str]:
    """The template parameters that shape the site's Content-Security-Policy."""
    return {
        "ApiOrigin": api_origin(api_url),
        "AuthOrigin": sign_in.origin if sign_in else "",
        "UploadOrigin": uploads,
        "InlineScriptHashes": ",".join(scan.inline_script_hashes),
    }


def retention_parameters() -> dict[str, str]:
    """RetentionYears: the number of years site_src/privacy.yml tells candidates, so the bucket keeps to it."""
    from swanilai.privacy import load_notice

    return {"RetentionYears": str(load_notice().retention_years)}


# The CSP the template composes from those parameters, evaluated here so that packaging can check
# it against CloudFront's quota and tests can serve the very header CloudFront will send.
CSP_MAX_LENGTH = 1783


def load_template(path: Path = TEMPLATE) -> dict:
    """Load a CloudFormation YAML template, short-form tags (!Sub) turned into their long form."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict:
        if isinstance(node, yaml.ScalarNode):
            value: object = loader.construct_scalar(node)
            if suffix == "GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}": value}

    Loader.add_multi_constructor("!", intrinsic)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def evaluate(node: object, template: dict, parameters: dict[str, str]) -> object:
    """Evaluate the intrinsic functions the site's headers use (Ref to parameters, Join, Split, Sub, If)."""
    values = {name: str(spec.get("Default", "")) for name, spec in template.get("Parameters", {}).items()}
    values.update(parameters)
    return _evaluate(node, template, values)


# What `!Ref AWS::NoValue` evaluates to: a list leaves such an item out, as CloudFormation does.
_NO_VALUE = object()


def _evaluate(node: object, template: dict, values: dict[str, str]) -> object:
    if isinstance(node, (str, int, float, bool)):
        return node
    if isinstance(node, list):
        items = [_evaluate(item, template, values) for item in node]
        return [item for item in items if item is not _NO_VALUE]
    if isinstance(node, dict) and not (
        len(node) == 1 and next(iter(node)) in ("Ref", "Condition") or any(key.startswith("Fn::") for key in node)
    ):
        return {key: _evaluate(value, template, values) for key, value in node.items()}
    if isinstance(node, dict) and len(node) == 1:
        function, argument = next(iter(node.items()))
        if function == "Ref" and argument in values:
            return values[argument]
        if function == "Ref" and argument == "AWS::NoValue":
            return _NO_VALUE
        if function == "Fn::Join":
            separator, items = argument
            return separator.join(str(item) for item in _evaluate(items, template, values))
        if function == "Fn::Split":
            separator, text = argument
            return str(_evaluate(text, template, values)).split(separator)
        if function == "Fn::Sub":
            text, names = (argument, {}) if isinstance(argument, str) else argument
            local = {**values, **{name: str(_evaluate(value, template, values)) for name, value in names.items()}}
            return re.sub(r"\$\{([A-Za-z0-9:._]+)\}", lambda match: local[match.group(1)], text)
        if function == "Fn::If":
            condition, when_true, when_false = argument
            chosen = when_true if _condition(condition, template, values) else when_false
            return _evaluate(chosen, template, values)
    raise ValueError(f"cannot evaluate {node!r} without AWS")


def _condition(name: str, template: dict, values: dict[str, str]) -> bool:
    def truth(node: object) -> bool:
        function, argument = next(iter(node.items()))  # type: ignore[union-attr]
        if function == "Fn::Not":
            return not truth(argument[0])
        if function == "Fn::Equals":
            left, right = (_evaluate(side, template, values) for side in argument)
            return left == right
        if function == "Condition":
            return _condition(argument, template, values)
        raise ValueError(f"cannot evaluate condition {node!r}")

    return truth(template["Conditions"][name])


def security_headers(parameters: dict[str, str], template: dict | None = None) -> dict:
    """The site's SecurityHeadersConfig, evaluated for these parameters."""
    template = template or load_template()
    config = template["Resources"]["SiteSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    return evaluate(config["SecurityHeadersConfig"], template, parameters)  # type: ignore[return-value]


def site_csp(parameters: dict[str, str], template: dict | None = None) -> str:
    return security_headers(parameters, template)["ContentSecurityPolicy"]["ContentSecurityPolicy"]


# -- the function: handler/ with the catalog the site was built from


def site_scheme_ids(site_dir: Path) -> set[str]:
    return {page.parent.name for page in (site_dir / "skema").glob("*/index.html")}


def catalog_scheme_ids(catalog_dir: Path) -> set[str]:
    # The catalog also holds the privacy notice (privacy_notice.json), whose name is no scheme id.
    return set(list_catalog(catalog_dir))


def check_same_schemes(catalog_dir: Path, site_dir: Path) -> None:
    """Refuse to publish pages the handler would not know, or a handler with schemes no page offers."""
    catalog, site = catalog_scheme_ids(catalog_dir), site_scheme_ids(site_dir)
    if not catalog:
        raise PublishError(f"{_display(catalog_dir)}/ holds no compiled scheme; run `python3 build.py build` first")
    if catalog != site:
        raise PublishError(
            f"the catalog and the site disagree: only in the catalog {sorted(catalog - site)}, only in the site "
            f"{sorted(site - catalog)}; build both in one run with `python3 infra/publish.py package`"
        )


def stage_function(catalog_dir: Path, dest: Path = FUNCTION_STAGE, handler_dir: Path = HANDLER_DIR) -> Path:
    """Lay out what `sam build` packs: handler/ with this catalog inside, and its requirements at the root."""
    if not (handler_dir / "app.py").is_file():
        raise PublishError(
            f"{_display(handler_dir)}/app.py is missing: the function has no entry point (handler.app.lambda_handler)"
        )
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copytree(
        handler_dir,
        dest / "handler",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "requirements.txt", "catalog"),
    )
    (dest / "handler" / "catalog").mkdir()
    for entry in sorted(catalog_dir.glob("*.json")):
        shutil.copy2(entry, dest / "handler" / "catalog" / entry.name)
    # At the root, so `sam build` installs the pinned boto3 next to the package.
    shutil.copy2(handler_dir / "requirements.txt", dest / "requirements.txt")
    return dest


def write_parameters(parameters: dict[str, str], path: Path = PARAMETERS_FILE) -> Path:
    """Write parameters for `sam deploy --parameter-overrides file://...` (JSON strings are YAML)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Written by infra/publish.py package; do not edit."]
    lines += [f"{key}: {json.dumps(value)}" for key, value in sorted(parameters.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- tools


def sam_executable() -> str:
    """The pinned SAM CLI from .venv/tools/sam (installed on first use), else `sam` on PATH."""
    pinned = SAM_VENV / "bin" / "sam"
    if not pinned.exists():
        _run(["bash", str(INFRA / "tools" / "setup.sh"), "sam"], "installing the SAM CLI")
    return str(pinned)


def check_runtime_python() -> None:
    """`sam build` without a container builds with the runtime's own interpreter from PATH."""
    try:
        subprocess.run([RUNTIME_PYTHON, "--version"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        raise PublishError(
            f"`sam build` needs {RUNTIME_PYTHON} on PATH (the function's runtime is Python 3.13): install Python "
            f"3.13 (python.org, `pyenv install 3.13`, or your system's package) and try again"
        ) from None


def tool_environment() -> dict[str, str]:
    return {**os.environ, "SAM_CLI_TELEMETRY": "0"}


def _run(command: list[str], what: str, cwd: Path = ROOT) -> None:
    print(f"$ {' '.join(command)}", file=sys.stderr)
    try:
        subprocess.run(command, check=True, cwd=cwd, env=tool_environment())
    except FileNotFoundError:
        raise PublishError(f"{what}: {command[0]} was not found") from None
    except subprocess.CalledProcessError as exc:
        raise PublishError(f"{what} failed (exit {exc.returncode}); its output is above") from None


# -- package


@dataclass(frozen=True)
class Package:
    parameters: dict[str, str]
    parameters_file: Path
    built_template: Path


def package(
    api_url: str,
    site_dir: Path = SITE_DIR,
    sam_build_dir: Path = SAM_BUILD_DIR,
    sign_in: DeskSignIn | None = None,
    uploads: str = "",
) -> Package:
    """Build site and catalog in one run, check the site against its CSP, stage and `sam build`.

    `sign_in` (the stack's Cognito, once it exists) goes into the desk page and the CSP; without
    it the desk page offers only the local server's sign-in links. `uploads` (the bucket's origin,
    once it exists) lets the pages post evidence files under the CSP.
    """

    try:
        cognito = sign_in.page_settings() if sign_in else None
        build.build(api_url=api_url, site_dir=site_dir, catalog_dir=CATALOG_DIR, cognito=cognito)
    except build.BuildError as exc:
        raise PublishError(str(exc)) from None
    scan = scan_site(site_dir)
    if scan.problems:
        raise PublishError(
            "the built site would break under its Content-Security-Policy:\n  " + "\n  ".join(scan.problems)
        )
    check_same_schemes(CATALOG_DIR, site_dir)
    parameters = csp_parameters(scan, api_url, sign_in, uploads)
    csp = site_csp(parameters)
    if len(csp) > CSP_MAX_LENGTH:
        raise PublishError(
            f"the site's Content-Security-Policy would be {len(csp)} characters, over CloudFront's "
            f"{CSP_MAX_LENGTH}; move inline scripts into files under site_src/docs/assets/"
        )
    print(f"Content-Security-Policy: {csp}", file=sys.stderr)
    stage_function(CATALOG_DIR)
    parameters_file = write_parameters({**parameters, **retention_parameters()})
    check_runtime_python()
    _run([sam_executable(), "build", "--template-file", str(TEMPLATE), "--build-dir", str(sam_build_dir)], "sam build")
    print(
        f"packaged {len(catalog_scheme_ids(CATALOG_DIR))} scheme(s); parameters in {_display(parameters_file)}",
        file=sys.stderr,
    )
    return Package(parameters, parameters_file, sam_build_dir / "template.yaml")


# -- deploy


def stack_outputs(cloudformation, stack_name: str) -> dict[str, str] | None:
    """The stack's outputs, or None when the stack does not exist yet."""
    from botocore.exceptions import ClientError

    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    return {output["OutputKey"]: output["OutputValue"] for output in stacks[0].get("Outputs", [])}


def sam_deploy(
    built: Package, stack_name: str, region: str, overrides: list[str], s3_bucket: str | None, role_arn: str | None
) -> None:
    command = [
        sam_executable(),
        "deploy",
        "--template-file",
        str(built.built_template),
        "--stack-name",
        stack_name,
        "--region",
        region,
        "--capabilities",
        "CAPABILITY_IAM",
        "--no-confirm-changeset",
        "--no-fail-on-empty-changeset",
        "--parameter-overrides",
        f"file://{built.parameters_file}",
        *overrides,
    ]
    command += ["--s3-bucket", s3_bucket] if s3_bucket else ["--resolve-s3"]
    if role_arn:
        command += ["--role-arn", role_arn]
    _run(command, "sam deploy")


@dataclass(frozen=True)
class SyncResult:
    uploaded: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int


def content_type(path: Path) -> str:
    kind, encoding = mimetypes.guess_type(path.name)
    if encoding:
        return "application/gzip"
    kind = {".js": "text/javascript", ".map": "application/json"}.get(path.suffix, kind) or "application/octet-stream"
    return (
        f"{kind}; charset=utf-8" if kind.startswith("text/") or kind in ("application/json", "image/svg+xml") else kind
    )


def cache_control(key: str) -> str:
    return CACHE_IMMUTABLE if _FINGERPRINTED.search(key) else CACHE_REVALIDATE


def sync_site(s3, bucket: str, site_dir: Path) -> SyncResult:
    """Make the bucket hold exactly site/: upload what changed (assets before pages), then delete the rest."""
    remote: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", ()):
            remote[item["Key"]] = item["ETag"].strip('"')
    local = {path.relative_to(site_dir).as_posix(): path for path in sorted(site_dir.rglob("*")) if path.is_file()}
    # Pages last, so a page never references an asset that is not there yet.
    order = sorted(local, key=lambda key: (key.endswith(".html"), key))
    uploaded = []
    for key in order:
        body = local[key].read_bytes()
        # A single-part SSE-S3 object's ETag is the MD5 of its content.
        if remote.get(key) == hashlib.md5(body, usedforsecurity=False).hexdigest():
            continue
        s3.put_object(
            Bucket=bucket, Key=key, Body=body, ContentType=content_type(local[key]), CacheControl=cache_control(key)
        )
        uploaded.append(key)
    stale = sorted(set(remote) - set(local))
    for start in range(0, len(stale), 1000):
        s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in stale[start : start + 1000]], "Quiet": True}
        )
    return SyncResult(tuple(uploaded), tuple(stale), len(local) - len(uploaded))


def invalidate(cloudfront, distribution_id: str) -> str:
    """Drop every cached page; `/*` counts as one path of the 1,000 free each month."""
    reference = f"swanilai-{int(time.time())}-{uuid.uuid4().hex[:8]}"
    answer = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": reference},
    )
    return answer["Invalidation"]["Id"]


def deploy(
    stack_name: str, region: str, overrides: list[str], s3_bucket: str | None, role_arn: str | None
) -> dict[str, str]:
    """Package and deploy the stack, then publish the site it serves; return the stack's outputs."""
    import boto3

    cloudformation = boto3.client("cloudformation", region_name=region)
    outputs = stack_outputs(cloudformation, stack_name)
    if not outputs or "ApiUrl" not in outputs:
        # The pages need the API's URL, which exists only once the stack does: create the stack
        # first (its site bucket stays empty), then build the pages with the real URL below.
        print(
            f"stack {stack_name} does not exist yet: creating it before the site is built for its API", file=sys.stderr
        )
        sam_deploy(package(build_placeholder_url()), stack_name, region, overrides, s3_bucket, role_arn)
        outputs = stack_outputs(cloudformation, stack_name) or {}
    built = package(outputs["ApiUrl"], sign_in=desk_sign_in(outputs), uploads=upload_origin(outputs))
    sam_deploy(built, stack_name, region, overrides, s3_bucket, role_arn)
    outputs = stack_outputs(cloudformation, stack_name) or {}
    result = sync_site(boto3.client("s3", region_name=region), outputs["SiteBucketName"], SITE_DIR)
    print(
        f"site: {len(result.uploaded)} file(s) uploaded, {len(result.deleted)} deleted, {result.unchanged} unchanged",
        file=sys.stderr,
    )
    invalidation = invalidate(boto3.client("cloudfront", region_name=region), outputs["DistributionId"])
    print(f"CloudFront invalidation {invalidation} started (pages refresh within a few minutes)", file=sys.stderr)
    print(f"site: {outputs['SiteUrl']}\napi:  {outputs['ApiUrl']}")
    return outputs


def build_placeholder_url() -> str:

    return build.DEFAULT_API_URL


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# -- the command line


def _cmd_package(args: argparse.Namespace) -> int:
    package(args.api_url)
    return 0


def _cmd_deploy(args: argparse.Namespace) -> int:
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,39}", args.stack_name):
        raise PublishError(
            f"--stack-name {args.stack_name!r}: use lowercase letters, digits and hyphens (bucket names derive from it), at most 40"
        )
    deploy(args.stack_name, args.region, args.parameter, args.s3_bucket, args.role_arn)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="infra/publish.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    package_cmd = commands.add_parser("package", help="build site/ and the catalog, stage handler/, sam build")
    package_cmd.add_argument(
        "--api-url", default=build_placeholder_url(), help="where the pages send submissions: the stack's ApiUrl output"
    )
    package_cmd.set_defaults(run=_cmd_package)

    deploy_cmd = commands.add_parser("deploy", help="package, sam deploy, upload site/, invalidate CloudFront")
    deploy_cmd.add_argument("--stack-name", required=True, help="CloudFormation stack name, e.g. swanilai")
    deploy_cmd.add_argument("--region", required=True, help="AWS region, e.g. ap-southeast-3 (Jakarta)")
    deploy_cmd.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="template parameter, e.g. NotificationEmail=admin@lsp.example (kept on later deploys)",
    )
    deploy_cmd.add_argument(
        "--s3-bucket",
        help="bucket for the packaged function (CI: the pipeline stack's ArtifactsBucket); default: SAM's managed bucket",
    )
    deploy_cmd.add_argument(
        "--role-arn", help="CloudFormation execution role (CI: the pipeline stack's CloudFormationExecutionRoleArn)"
    )
    deploy_cmd.set_defaults(run=_cmd_deploy)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # botocore's credential and access errors: say what to do, no traceback
        name = type(exc).__name__
        if name in ("NoCredentialsError", "ClientError", "NoRegionError", "TokenRetrievalError", "SSOTokenLoadError"):
            print(
                f"error: AWS said: {exc}\nCheck your credentials (`aws sts get-caller-identity`) and region; see infra/README.md",
                file=sys.stderr,
            )
            return 1
        raise

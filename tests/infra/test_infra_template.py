"""The AWS templates: linted, scanned and held to the permissions the design allows, offline.

The linters run from their own virtualenvs under .venv/tools/ (`bash infra/tools/setup.sh`).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from support.infra import publish

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
TEMPLATE = INFRA / "template.yaml"
PIPELINE = INFRA / "pipeline.yaml"
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
TOOLS = ROOT / ".venv" / "tools"
REGION = "ap-southeast-3"
# Read by the handler only in local mode (`build.py serve`), never in AWS: DESIGN.md, "Local mode".
LOCAL_ONLY_ENVIRONMENT = {"AWS_ENDPOINT_URL_S3"}


def tool(name: str, executable: str | None = None) -> str:
    path = TOOLS / name / "bin" / (executable or name)
    if not path.exists():
        pytest.fail(f"{path} is missing: run `bash infra/tools/setup.sh` (CI runs it before the tests)")
    return str(path)


def run_tool(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    # A HOME of their own: the tools write caches there, never into the work tree or the user's.
    home = Path(tempfile.gettempdir()) / "swanilai-infra-tools-home"
    home.mkdir(exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": REGION}
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def template() -> dict:
    return publish.load_template(TEMPLATE)


@pytest.fixture(scope="module")
def pipeline() -> dict:
    return publish.load_template(PIPELINE)


def resource(template: dict, name: str) -> dict:
    return template["Resources"][name]


def statements(policy_document: dict) -> list[dict]:
    found = policy_document["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


# -- linters and scanners


@pytest.mark.parametrize("path", [TEMPLATE, PIPELINE], ids=["app", "pipeline"])
def test_cfn_lint_finds_nothing(path):
    result = run_tool([tool("cfn-lint"), str(path)])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", [TEMPLATE, PIPELINE], ids=["app", "pipeline"])
def test_templates_suppress_no_cfn_lint_rule(path):
    # A cfn-lint suppression would hide a finding without a reviewed reason; there are none.
    assert "cfn-lint" not in path.read_text(encoding="utf-8")


def test_sam_validate_with_lint_passes():
    result = run_tool([tool("sam"), "validate", "--lint", "--template-file", str(TEMPLATE), "--region", REGION])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def checkov(path: Path) -> dict:
    result = run_tool(
        [tool("checkov"), "-f", str(path), "--framework", "cloudformation", "--skip-download", "-o", "json"]
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def skips(template: dict) -> dict[tuple[str, str], str]:
    found = {}
    for name, spec in template["Resources"].items():
        for skip in spec.get("Metadata", {}).get("checkov", {}).get("skip", []):
            found[(name, skip["id"])] = skip.get("comment", "")
    return found


@pytest.mark.parametrize("path", [TEMPLATE, PIPELINE], ids=["app", "pipeline"])
def test_checkov_fails_no_check_and_every_skip_gives_its_reason(path):
    report = checkov(path)
    assert report["summary"]["failed"] == 0, [
        (c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]
    ]
    assert report["summary"]["parsing_errors"] == 0
    for (name, check), comment in skips(publish.load_template(path)).items():
        assert len(comment.split()) >= 5, f"{name}: the skip of {check} needs a reason"


@pytest.mark.parametrize("path", [TEMPLATE, PIPELINE], ids=["app", "pipeline"])
def test_every_checkov_skip_silences_a_real_finding(path, tmp_path):
    # The same template without its skips: each skipped check must then fail on its resource,
    # so no skip outlives the finding it was written for.
    bare = publish.load_template(path)
    for spec in bare["Resources"].values():
        spec.pop("Metadata", None)
    bare_path = tmp_path / "bare.json"
    bare_path.write_text(json.dumps(bare))
    failed = {(c["resource"].split(".", 1)[1], c["check_id"]) for c in checkov(bare_path)["results"]["failed_checks"]}
    assert set(skips(publish.load_template(path))) == failed


def test_workflow_is_valid_for_github():
    result = run_tool([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)])
    assert result.returncode == 0, result.stdout + result.stderr


# -- the function: PutObject and GetObject on submissions/*, its own logs, nothing else


def test_function_may_only_put_and_get_submissions(template):
    function = resource(template, "SubmitFunction")["Properties"]
    assert "Policies" not in function, "SAM policy templates would add permissions beside the role"
    role = resource(template, function["Role"]["Fn::GetAtt"][0])["Properties"]
    assert "ManagedPolicyArns" not in role
    granted = [s for policy in role["Policies"] for s in statements(policy["PolicyDocument"])]
    s3 = [s for s in granted if any(a.startswith("s3:") for a in as_list(s["Action"]))]
    assert [(s["Effect"], sorted(as_list(s["Action"])), s["Resource"]) for s in s3] == [
        ("Allow", ["s3:GetObject", "s3:PutObject"], {"Fn::Sub": "${SubmissionsBucket.Arn}/submissions/*"})
    ]
    others = [s for s in granted if s not in s3]
    assert [(s["Effect"], sorted(as_list(s["Action"])), s["Resource"]) for s in others] == [
        ("Allow", ["logs:CreateLogStream", "logs:PutLogEvents"], {"Fn::Sub": "${SubmitFunctionLogGroup.Arn}"})
    ]
    assert all("Condition" not in s and "NotAction" not in s and "NotResource" not in s for s in granted)


def test_function_is_arm64_python_with_the_handler_entry_point(template):
    function = resource(template, "SubmitFunction")["Properties"]
    assert (function["Handler"], function["Architectures"], function["CodeUri"]) == (
        "handler.app.lambda_handler",
        ["arm64"],
        "build/function/",
    )
    assert re.fullmatch(r"python3\.1[3-9]", function["Runtime"])
    assert function["Runtime"] == publish.RUNTIME_PYTHON


def handler_environment_names() -> set[str]:
    """Every environment variable name handler/*.py reads (os.environ[...], .get(...), os.getenv(...))."""
    names = set()
    for path in sorted((ROOT / "handler").glob("*.py")):
        if path.name == "localserver.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            key = None
            if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
                key = node.slice
            elif isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.environ.get", "os.getenv") and node.args:
                key = node.args[0]
            # A name held in a variable (a loop over required names) cannot be read statically;
            # the handler also reads each one by its literal name, which is what counts here.
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
    return names - LOCAL_ONLY_ENVIRONMENT


def test_template_sets_exactly_the_environment_the_handler_reads(template):
    variables = resource(template, "SubmitFunction")["Properties"]["Environment"]["Variables"]
    assert set(variables) == handler_environment_names()


def test_function_environment_names_the_bucket_and_the_site_origin(template):
    variables = resource(template, "SubmitFunction")["Properties"]["Environment"]["Variables"]
    assert variables == {
        "SUBMISSIONS_BUCKET": {"Ref": "SubmissionsBucket"},
        "ALLOWED_ORIGINS": {"Fn::Sub": "https://${SiteDistribution.DomainName}"},
    }


# -- the submissions bucket


def test_submissions_bucket_is_private_versioned_encrypted_and_retained(template):
    bucket = resource(template, "SubmissionsBucket")
    properties = bucket["Properties"]
    assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == ("Retain", "Retain")
    policy = resource(template, "SubmissionsBucketPolicy")
    assert (policy["DeletionPolicy"], policy["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    rules = properties["LifecycleConfiguration"]["Rules"]
    assert {"NoncurrentDays": {"Ref": "NoncurrentVersionRetentionDays"}} in [
        r.get("NoncurrentVersionExpiration") for r in rules
    ]


@pytest.mark.parametrize(
    "bucket, policy", [("SubmissionsBucket", "SubmissionsBucketPolicy"), ("SiteBucket", "SiteBucketPolicy")]
)
def test_bucket_policy_denies_every_request_without_tls(template, bucket, policy):
    document = resource(template, policy)["Properties"]["PolicyDocument"]
    assert resource(template, policy)["Properties"]["Bucket"] == {"Ref": bucket}
    assert {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [{"Fn::GetAtt": [bucket, "Arn"]}, {"Fn::Sub": f"${{{bucket}.Arn}}/*"}],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    } in statements(document)


def test_each_new_record_notifies_the_topic_through_s3(template):
    bucket = resource(template, "SubmissionsBucket")["Properties"]
    assert bucket["NotificationConfiguration"] == {
        "TopicConfigurations": [
            {
                "Event": "s3:ObjectCreated:*",
                "Topic": {"Ref": "SubmissionTopic"},
                "Filter": {
                    "S3Key": {
                        "Rules": [{"Name": "prefix", "Value": "submissions/"}, {"Name": "suffix", "Value": ".json"}]
                    }
                },
            }
        ]
    }
    (grant,) = statements(resource(template, "SubmissionTopicPolicy")["Properties"]["PolicyDocument"])
    assert (grant["Principal"], grant["Action"]) == ({"Service": "s3.amazonaws.com"}, "sns:Publish")
    assert resource(template, "SubmissionEmail")["Condition"] == "HasNotificationEmail"


# -- the assessors: list the bucket, read submissions/* and reviews/*, write reviews/*


def test_assessors_policy_is_exactly_list_read_and_write_reviews(template):
    document = resource(template, "AssessorsPolicy")["Properties"]["PolicyDocument"]
    granted = sorted(
        (
            s["Effect"],
            tuple(sorted(as_list(s["Action"]))),
            tuple(json.dumps(r, sort_keys=True) for r in as_list(s["Resource"])),
        )
        for s in statements(document)
    )
    arn = lambda suffix: json.dumps({"Fn::Sub": f"${{SubmissionsBucket.Arn}}/{suffix}"}, sort_keys=True)  # noqa: E731
    assert granted == sorted(
        [
            ("Allow", ("s3:ListBucket",), (json.dumps({"Fn::GetAtt": ["SubmissionsBucket", "Arn"]}, sort_keys=True),)),
            ("Allow", ("s3:GetObject",), (arn("submissions/*"), arn("reviews/*"))),
            ("Allow", ("s3:PutObject",), (arn("reviews/*"),)),
        ]
    )
    assert all(set(s) <= {"Sid", "Effect", "Action", "Resource"} for s in statements(document))


# -- the API and the site


def test_api_takes_post_submissions_throttled_with_cors_for_the_site(template):
    api = resource(template, "SubmissionApi")["Properties"]
    event = resource(template, "SubmitFunction")["Properties"]["Events"]["Submit"]
    assert event == {
        "Type": "HttpApi",
        "Properties": {
            "ApiId": {"Ref": "SubmissionApi"},
            "Method": "POST",
            "Path": "/submissions",
            "PayloadFormatVersion": "2.0",
        },
    }
    assert api["CorsConfiguration"]["AllowOrigins"] == [{"Fn::Sub": "https://${SiteDistribution.DomainName}"}]
    assert api["CorsConfiguration"]["AllowMethods"] == ["POST"]
    assert api["RouteSettings"]["POST /submissions"] == {
        "ThrottlingRateLimit": {"Ref": "ApiRateLimit"},
        "ThrottlingBurstLimit": {"Ref": "ApiBurstLimit"},
    }
    assert "sourceIp" not in api["AccessLogSettings"]["Format"]


def test_site_bucket_is_reached_only_by_this_distribution(template):
    bucket = resource(template, "SiteBucket")["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    allow = [
        s
        for s in statements(resource(template, "SiteBucketPolicy")["Properties"]["PolicyDocument"])
        if s["Effect"] == "Allow"
    ]
    assert allow == [
        {
            "Sid": "AllowThisDistributionOnly",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": {"Fn::Sub": "${SiteBucket.Arn}/*"},
            "Condition": {
                "StringEquals": {
                    "AWS:SourceArn": {
                        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${SiteDistribution}"
                    }
                }
            },
        }
    ]
    origin = resource(template, "SiteDistribution")["Properties"]["DistributionConfig"]["Origins"][0]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}


HASHES = "A" * 43 + "=," + "B" * 43 + "="
API = "https://abc123.execute-api.ap-southeast-3.amazonaws.com"


@pytest.mark.parametrize(
    "parameters, directives",
    [
        ({}, {"script-src": "'self'", "connect-src": "'self'", "form-action": "'self'"}),
        (
            {"ApiOrigin": API, "InlineScriptHashes": HASHES},
            {
                "script-src": f"'self' 'sha256-{'A' * 43}=' 'sha256-{'B' * 43}='",
                "connect-src": f"'self' {API}",
                "form-action": f"'self' {API}",
            },
        ),
    ],
    ids=["first-deploy", "packaged"],
)
def test_csp_allows_only_the_site_its_inline_scripts_and_the_api(template, parameters, directives):
    csp = publish.site_csp(parameters, template)
    parsed = dict(part.split(" ", 1) for part in csp.split("; "))
    assert parsed == {
        "default-src": "'none'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "manifest-src": "'self'",
        "worker-src": "'self'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        **directives,
    }


def test_site_sends_hsts_nosniff_no_referrer_and_no_framing(template):
    headers = publish.security_headers({}, template)
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert all(header["Override"] for header in headers.values())


@pytest.mark.parametrize(
    "name, value, allowed",
    [
        ("InlineScriptHashes", HASHES, True),
        ("InlineScriptHashes", "", True),
        ("InlineScriptHashes", "'unsafe-inline'", False),
        ("InlineScriptHashes", "A" * 43 + "=; script-src *", False),
        ("ApiOrigin", API, True),
        ("ApiOrigin", "", True),
        ("ApiOrigin", "http://abc.example", False),
        ("ApiOrigin", API + "; script-src *", False),
        ("NotificationEmail", "", True),
        ("NotificationEmail", "admin@lsp.example", True),
        ("NotificationEmail", "not an address", False),
    ],
    ids=lambda value: str(value)[:24],
)
def test_parameters_that_shape_the_csp_refuse_anything_else(template, name, value, allowed):
    pattern = template["Parameters"][name]["AllowedPattern"]
    # CloudFormation matches AllowedPattern against the whole value.
    assert bool(re.fullmatch(pattern, value)) is allowed


@pytest.mark.parametrize(
    "uri, expected",
    [
        ("/", {"uri": "/index.html"}),
        ("/skema/konsultasi-manajemen-pemasaran/", {"uri": "/skema/konsultasi-manajemen-pemasaran/index.html"}),
        (
            "/skema/konsultasi-manajemen-pemasaran",
            {"statusCode": 301, "location": "/skema/konsultasi-manajemen-pemasaran/"},
        ),
        ("/assets/form.js", {"uri": "/assets/form.js"}),
        ("/assets/javascripts/bundle.a5f9d56c.min.js", {"uri": "/assets/javascripts/bundle.a5f9d56c.min.js"}),
    ],
    ids=lambda value: str(value)[:40],
)
def test_cloudfront_function_serves_directory_urls_as_their_index(template, uri, expected):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the CloudFront function (Debian: apt-get install nodejs)")
    code = resource(template, "SiteIndexFunction")["Properties"]["FunctionCode"]
    script = code + (
        f"\nconst r = handler({{request: {{uri: {json.dumps(uri)}, headers: {{}}, querystring: {{}}}}}});\n"
        "console.log(JSON.stringify(r.statusCode ? {statusCode: r.statusCode, location: r.headers.location.value}"
        " : {uri: r.uri}));"
    )
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_outputs_name_everything_an_lsp_needs(template):
    assert {
        "ApiUrl",
        "SiteUrl",
        "SubmissionsBucketName",
        "SiteBucketName",
        "AssessorsPolicyArn",
        "DistributionId",
    } <= set(template["Outputs"])
    assert template["Outputs"]["ApiUrl"]["Value"]["Fn::Sub"].endswith("/submissions")


# -- the GitHub pipeline: OIDC for one repository's main branch, no stored keys


def test_deploy_role_trusts_only_the_repository_main_branch_through_oidc(pipeline):
    (trust,) = statements(resource(pipeline, "GitHubDeployRole")["Properties"]["AssumeRolePolicyDocument"])
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": {"Fn::Sub": "repo:${GitHubRepository}:ref:refs/heads/${Branch}"},
        }
    }


def test_deploy_role_cannot_touch_submissions(pipeline):
    policy = resource(pipeline, "GitHubDeployRole")["Properties"]["Policies"]
    text = json.dumps(policy).lower()
    assert "submissions" not in text and '"s3:*"' not in text and '"*"' not in text


def test_workflow_uses_oidc_and_no_stored_keys():
    import yaml

    text = WORKFLOW.read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"]["id-token"] == "write"
    assert workflow["permissions"] == {"contents": "read"}
    assert "secrets." not in text and "aws-access-key-id" not in text
    assert deploy["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"


def scheme_problem_annotations(output: str) -> list[tuple[str, str, int, str]]:
    """Apply the workflow's problem matchers to build.py check's output, as GitHub does."""
    matchers = json.loads((INFRA / "github" / "scheme-problems.json").read_text())["problemMatcher"]
    found = []
    for line in output.splitlines():
        for matcher in matchers:
            pattern = matcher["pattern"][0]
            match = re.match(pattern["regexp"], line)
            if match:
                found.append(
                    (
                        matcher["severity"],
                        match.group(pattern["file"]),
                        int(match.group(pattern["line"])),
                        match.group(pattern["message"]),
                    )
                )
    return found


def test_check_problems_become_annotations_on_file_and_line(tmp_path):
    seed = (ROOT / "schemes" / "konsultasi-manajemen-pemasaran.yaml").read_text(encoding="utf-8")
    broken = re.sub(r"(?m)^title: .*$", "title: 5", seed, count=1)
    broken = re.sub(r"(?m)^number: .*$", "number: SS.999/RUSAK", broken, count=1)  # not a duplicate
    schemes = tmp_path / "schemes"
    schemes.mkdir()
    (schemes / "rusak.yaml").write_text(broken, encoding="utf-8")
    (schemes / "contoh.yaml").write_text(seed, encoding="utf-8")  # the seed draws warnings only
    result = subprocess.run(
        [sys.executable, "build.py", "--schemes", str(schemes), "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    annotations = scheme_problem_annotations(result.stderr)
    title_line = broken.splitlines().index("title: 5") + 1
    errors = [a for a in annotations if a[0] == "error"]
    assert [(a[2], a[3]) for a in errors] == [
        (title_line, "'title' harus ditulis sebagai teks dalam tanda kutip: tulis \"5\"")
    ]
    assert all(a[1].endswith("rusak.yaml") for a in errors)
    warnings = [a for a in annotations if a[0] == "warning"]
    assert any(a[1].endswith("contoh.yaml") for a in warnings)  # every rule runs on every file
    assert not any(a[3].startswith(("warning:", "peringatan:")) for a in annotations)


def test_tool_setup_has_every_pinned_tool_installed():
    # --check installs nothing, so this cannot disturb tests using the tools at the same time.
    result = subprocess.run(
        ["bash", str(INFRA / "tools" / "setup.sh"), "--check"], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")

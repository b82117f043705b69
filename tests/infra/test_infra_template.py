"""The AWS templates: linted, scanned and held to the permissions the design allows, offline.

The linters run from their own virtualenvs under .venv/tools/ (`bash infra/tools/setup.sh`).
"""

from __future__ import annotations

import ast
import heapq
import json
import random
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
WAF = INFRA / "waf.yaml"
FORM_JS = ROOT / "site_src" / "docs" / "assets" / "form" / "sending.js"
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
TOOLS = ROOT / ".venv" / "tools"
REGION = "ap-southeast-3"
# Read by the handler only in local mode (`build.py serve`), never in AWS: docs/ARCHITECTURE.md, "Environment".
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


@pytest.mark.parametrize("path", [TEMPLATE, PIPELINE, WAF], ids=["app", "pipeline", "waf"])
def test_cfn_lint_finds_nothing(path):
    result = run_tool([tool("cfn-lint"), str(path)])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", [TEMPLATE, PIPELINE, WAF], ids=["app", "pipeline", "waf"])
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


@pytest.mark.parametrize("path", [TEMPLATE, PIPELINE, WAF], ids=["app", "pipeline", "waf"])
def test_checkov_fails_no_check_and_every_skip_gives_its_reason(path):
    report = checkov(path)
    assert report["summary"]["failed"] == 0, [
        (c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]
    ]
    assert report["summary"]["parsing_errors"] == 0
    for (name, check), comment in skips(publish.load_template(path)).items():
        assert len(comment.split()) >= 5, f"{name}: the skip of {check} needs a reason"


@pytest.mark.parametrize("path", [TEMPLATE, PIPELINE, WAF], ids=["app", "pipeline", "waf"])
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


def test_function_may_only_store_submissions_take_uploads_file_evidence_and_read_reviews(template):
    # Request by request in test_infra_policies.py; here, that nothing else was granted.
    function = resource(template, "SubmitFunction")["Properties"]
    assert "Policies" not in function, "SAM policy templates would add permissions beside the role"
    role = resource(template, function["Role"]["Fn::GetAtt"][0])["Properties"]
    assert "ManagedPolicyArns" not in role
    granted = [s for policy in role["Policies"] for s in statements(policy["PolicyDocument"])]
    s3 = [s for s in granted if any(a.startswith("s3:") for a in as_list(s["Action"]))]
    assert [(s["Effect"], sorted(as_list(s["Action"])), s["Resource"], s.get("Condition")) for s in s3] == [
        ("Allow", ["s3:GetObject", "s3:PutObject"], {"Fn::Sub": "${SubmissionsBucket.Arn}/submissions/*"}, None),
        ("Allow", ["s3:PutObject"], {"Fn::Sub": "${SubmissionsBucket.Arn}/incoming/*"}, None),
        ("Allow", ["s3:GetObject"], {"Fn::Sub": "${SubmissionsBucket.Arn}/incoming/*"}, None),
        ("Allow", ["s3:PutObject"], {"Fn::Sub": "${SubmissionsBucket.Arn}/evidence/*"}, None),
        ("Allow", ["s3:GetObject"], {"Fn::Sub": "${SubmissionsBucket.Arn}/evidence/*"}, None),
        (
            "Allow",
            ["s3:ListBucket"],
            {"Fn::GetAtt": ["SubmissionsBucket", "Arn"]},
            {"StringLike": {"s3:prefix": "reviews/*"}},
        ),
        ("Allow", ["s3:GetObject"], {"Fn::Sub": "${SubmissionsBucket.Arn}/reviews/*"}, None),
    ]
    others = [s for s in granted if s not in s3]
    assert [(s["Effect"], sorted(as_list(s["Action"])), s["Resource"]) for s in others] == [
        ("Allow", ["logs:CreateLogStream", "logs:PutLogEvents"], {"Fn::Sub": "${SubmitFunctionLogGroup.Arn}"})
    ]
    assert all("NotAction" not in s and "NotResource" not in s for s in granted)


def test_function_is_arm64_python_with_the_handler_entry_point(template):
    function = resource(template, "SubmitFunction")["Properties"]
    assert (function["Handler"], function["Architectures"], function["CodeUri"]) == (
        "handler.app.lambda_handler",
        ["arm64"],
        "build/function/",
    )
    assert re.fullmatch(r"python3\.1[3-9]", function["Runtime"])
    assert function["Runtime"] == publish.RUNTIME_PYTHON


def handler_environment_names(*modules: str) -> set[str]:
    """Every environment variable name the given handler modules read (os.environ[...], .get(...), os.getenv(...))."""
    names = set()
    for path in sorted(ROOT / "handler" / f"{module}.py" for module in modules):
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
    return names


def test_only_the_configuration_modules_read_the_environment():
    readers = {p.stem for p in (ROOT / "handler").glob("*.py") if handler_environment_names(p.stem)}
    assert readers == {"config", "deskconfig", "store"}
    # The store reads only the AWS SDK's own endpoint override (a local S3 such as moto), never set in AWS.
    assert handler_environment_names("store") == {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}


@pytest.mark.parametrize(
    "function, modules, leave_out",
    [
        ("SubmitFunction", ("config",), set()),
        ("DeskFunction", ("deskconfig",), set()),
        # The indexer has no user pool to talk to (desk_config_from_environment(with_directory=False)).
        ("DeskIndexerFunction", ("deskconfig",), {"USER_POOL_ID"}),
    ],
)
def test_template_sets_exactly_the_environment_the_handler_reads(template, function, modules, leave_out):
    variables = resource(template, function)["Properties"]["Environment"]["Variables"]
    assert set(variables) == handler_environment_names(*modules) - leave_out


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
        # The desk's indexer takes every object event through EventBridge (a rule per function).
        "EventBridgeConfiguration": {"EventBridgeEnabled": True},
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
        ],
    }
    (grant,) = statements(resource(template, "SubmissionTopicPolicy")["Properties"]["PolicyDocument"])
    assert (grant["Principal"], grant["Action"]) == ({"Service": "s3.amazonaws.com"}, "sns:Publish")
    assert resource(template, "SubmissionEmail")["Condition"] == "HasNotificationEmail"


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
    # GET: the desk's reads and a candidate's status; nothing else crosses origins.
    assert api["CorsConfiguration"]["AllowMethods"] == ["GET", "POST"]
    assert api["RouteSettings"]["POST /submissions"] == {
        "ThrottlingRateLimit": {"Ref": "ApiRateLimit"},
        "ThrottlingBurstLimit": {"Ref": "ApiBurstLimit"},
    }
    assert "sourceIp" not in api["AccessLogSettings"]["Format"]


def page_retry_schedule() -> tuple[float, int, int]:
    """The page's automatic retries (form/sending.js): first delay in seconds, growth cap, number of tries."""
    code = FORM_JS.read_text(encoding="utf-8")
    tries = re.search(r"const AUTO_TRIES = (\d+);", code)
    delay = re.search(r"\|\| (\d+);\s*let delay = Math\.min\(base \* 2 \*\* \(attempt - 1\), base \* (\d+)\);", code)
    assert tries and delay, f"{FORM_JS}: the retry schedule changed; update page_retry_schedule()"
    return int(delay.group(1)) / 1000, int(delay.group(2)), int(tries.group(1))


def exam_morning(rate: float, burst: float, within_s: float, candidates: int = 500) -> tuple[int, float]:
    """Candidates pressing Kirim within `within_s` seconds against API Gateway's token bucket (burst
    tokens, refilled at `rate` a second); a throttled page retries on its own schedule. Returns how
    many would have to press again by hand, and when the last submission got through."""
    base, cap, tries = page_retry_schedule()
    chance = random.Random(8)
    arrivals = [(chance.uniform(0, within_s), n, 0) for n in range(candidates)]
    heapq.heapify(arrivals)
    tokens, clock, by_hand, last = float(burst), 0.0, 0, 0.0
    while arrivals:
        at, n, attempt = heapq.heappop(arrivals)
        tokens, clock = min(burst, tokens + (at - clock) * rate), at
        if tokens >= 1:
            tokens, last = tokens - 1, at
        elif attempt + 1 > tries:
            by_hand += 1
        else:
            heapq.heappush(arrivals, (at + min(base * 2**attempt, base * cap), n, attempt + 1))
    return by_hand, last


@pytest.mark.parametrize("within_s", [1, 10, 60], ids=["within 1 s", "within 10 s", "within a minute"])
def test_api_throttle_lets_500_candidates_of_one_exam_through_on_automatic_retries(template, within_s):
    # 500 candidates told "kirim sekarang": none has to press again by hand, and the last one is
    # stored within about half a minute of the rush. The old 5/s (burst 20) left 351 of them
    # pressing by hand when all sent within a second.
    rate = template["Parameters"]["ApiRateLimit"]["Default"]
    burst = template["Parameters"]["ApiBurstLimit"]["Default"]
    by_hand, last = exam_morning(rate, burst, within_s)
    assert by_hand == 0
    assert last <= within_s + 35


def test_api_can_be_fronted_by_cloudfront_with_a_per_client_waf_limit(template):
    distribution = resource(template, "ApiDistribution")
    config = distribution["Properties"]["DistributionConfig"]
    assert distribution["Condition"] == "HasApiWebAcl"
    assert template["Conditions"]["HasApiWebAcl"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "ApiWebAclArn"}, ""]}]}
    assert config["WebACLId"] == {"Ref": "ApiWebAclArn"}
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Fn::Sub": "${SubmissionApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    behavior = config["DefaultCacheBehavior"]
    assert {"OPTIONS", "POST"} <= set(behavior["AllowedMethods"])
    # Nothing cached, every viewer header but Host forwarded (Origin, the preflight's headers).
    assert (behavior["CachePolicyId"], behavior["OriginRequestPolicyId"]) == (
        "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    )
    # The site's distribution turns 403/404 into its 404 page; the API's JSON answers must pass.
    assert "CustomErrorResponses" not in config
    assert template["Outputs"]["ApiUrl"]["Value"] == {
        "Fn::If": [
            "HasApiWebAcl",
            {"Fn::Sub": "https://${ApiDistribution.DomainName}/submissions"},
            {"Fn::Sub": "https://${SubmissionApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/submissions"},
        ]
    }


def test_waf_template_limits_each_client_and_answers_429():
    waf = publish.load_template(WAF)
    acl = resource(waf, "ApiWebAcl")["Properties"]
    assert (acl["Scope"], acl["DefaultAction"]) == ("CLOUDFRONT", {"Allow": {}})
    (rule,) = acl["Rules"]
    assert rule["Statement"] == {
        "RateBasedStatement": {
            "Limit": {"Ref": "RequestsPerFiveMinutes"},
            "EvaluationWindowSec": 300,
            "AggregateKeyType": "IP",
        }
    }
    assert rule["Action"] == {"Block": {"CustomResponse": {"ResponseCode": 429}}}
    # Generous enough for one venue's 500 candidates behind one address, with preflights and retries.
    assert waf["Parameters"]["RequestsPerFiveMinutes"]["Default"] >= 500 * 2 * 2


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
        ("ApiWebAclArn", "", True),
        (
            "ApiWebAclArn",
            f"arn:aws:wafv2:us-east-1:{'1' * 12}:global/webacl/swanilai-api-per-client/0a1b2c3d-4e5f",
            True,
        ),
        ("ApiWebAclArn", f"arn:aws:wafv2:ap-southeast-3:{'1' * 12}:regional/webacl/x/0a1b", False),
        ("PermissionsBoundaryArn", "", True),
        ("PermissionsBoundaryArn", f"arn:aws:iam::{'1' * 12}:policy/swanilai-pipeline-AppRoleBoundary-Q1W2", True),
        ("PermissionsBoundaryArn", "AdministratorAccess", False),
    ],
    ids=lambda value: str(value)[:24],
)
def test_parameters_that_shape_the_csp_refuse_anything_else(template, name, value, allowed):
    pattern = template["Parameters"][name]["AllowedPattern"]
    # CloudFormation matches AllowedPattern against the whole value.
    assert bool(re.fullmatch(pattern, value)) is allowed


# The CloudFront viewer-request event, as the function receives it (cloudfront-js-2.0).
INDEX_FUNCTION_HARNESS = """
const results = URIS.map((uri) => {
  const event = {
    version: "1.0",
    context: {distributionDomainName: "d111111abcdef8.cloudfront.net", eventType: "viewer-request"},
    viewer: {ip: "198.51.100.7"},
    request: {method: "GET", uri: uri, querystring: {}, headers: {host: {value: "d111111abcdef8.cloudfront.net"}}, cookies: {}},
  };
  const answer = handler(event);
  if (!answer.statusCode) return {uri: answer.uri};
  const location = answer.headers.location.value;
  // Where a browser goes: the WHATWG URL parser, as in every browser, relative to the page.
  let host;
  try {
    host = new URL(location, "https://d111111abcdef8.cloudfront.net/").host;
  } catch (error) {
    host = "unparsable: " + error.code;
  }
  return {statusCode: answer.statusCode, location: location, host: host};
});
console.log(JSON.stringify(results));
"""


def run_index_function(template: dict, uris: list[str]) -> list[dict]:
    """Run the template's CloudFront index function in node on viewer-request events for these URIs."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the CloudFront function (Debian: apt-get install nodejs)")
    code = resource(template, "SiteIndexFunction")["Properties"]["FunctionCode"]
    script = code + f"\nconst URIS = {json.dumps(uris)};\n" + INDEX_FUNCTION_HARNESS
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


SITE_HOST = "d111111abcdef8.cloudfront.net"
# What the index function does with each URI. A redirect only ever adds the missing slash of a
# directory on this site; a URI a browser could read as another host ("//evil.example",
# "/\\evil.example") is passed on unchanged, so the bucket finds no page and the site's 404 answers.
INDEX_FUNCTION_CASES = [
    ("/", {"uri": "/index.html"}),
    ("/skema/x/", {"uri": "/skema/x/index.html"}),
    ("/skema/x", {"statusCode": 301, "location": "/skema/x/", "host": SITE_HOST}),
    ("/asesor", {"statusCode": 301, "location": "/asesor/", "host": SITE_HOST}),
    ("/assets/form.js", {"uri": "/assets/form.js"}),
    ("/assets/javascripts/bundle.a5f9d56c.min.js", {"uri": "/assets/javascripts/bundle.a5f9d56c.min.js"}),
    ("//evil.example", {"uri": "//evil.example"}),
    ("//evil.example/phish", {"uri": "//evil.example/phish"}),
    ("//evil.example/phish/", {"uri": "//evil.example/phish/"}),
    ("///evil.example", {"uri": "///evil.example"}),
    ("/\\evil.example", {"uri": "/\\evil.example"}),
    ("/\\/evil.example/phish", {"uri": "/\\/evil.example/phish"}),
    ("/%2F%2Fevil", {"uri": "/%2F%2Fevil"}),
    ("/%2f%2fevil.example/phish", {"uri": "/%2f%2fevil.example/phish"}),
    ("/%5Cevil.example", {"uri": "/%5Cevil.example"}),
    ("/%09/evil.example", {"uri": "/%09/evil.example"}),
    ("/skema//evil.example", {"uri": "/skema//evil.example"}),
    ("/.//evil.example", {"uri": "/.//evil.example"}),
    ("/skema/x/../..//evil.example", {"uri": "/skema/x/../..//evil.example"}),
    ("/https:/evil.example", {"uri": "/https:/evil.example"}),
]


@pytest.mark.parametrize("uri, expected", INDEX_FUNCTION_CASES, ids=[case[0] for case in INDEX_FUNCTION_CASES])
def test_cloudfront_index_function_redirects_only_within_the_site(template, uri, expected):
    assert run_index_function(template, [uri]) == [expected]


def test_cloudfront_index_function_never_redirects_to_another_host(template):
    # Every way of writing a second slash or a backslash that browsers fold into "//", at every
    # position: whatever the function answers, a redirect stays on the site.
    tricks = ["/", "\\", "%2F", "%2f", "%5C", "%5c", "%09/", "./", "../", "@", ":"]
    uris = [f"/{a}{b}evil.example/phish" for a in tricks for b in tricks]
    uris += [f"/skema/{a}{b}evil.example" for a in tricks for b in tricks]
    results = run_index_function(template, uris)
    redirects = [(uri, r) for uri, r in zip(uris, results, strict=True) if "statusCode" in r]
    assert [(uri, r["host"]) for uri, r in redirects if r["host"] != SITE_HOST] == []
    assert all(r["location"] == uri + "/" for uri, r in redirects)


def test_outputs_name_everything_an_lsp_needs(template):
    assert {
        "ApiUrl",
        "SiteUrl",
        "SubmissionsBucketName",
        "SiteBucketName",
        "AssessorsPolicyArn",
        "DistributionId",
    } <= set(template["Outputs"])
    _, *addresses = template["Outputs"]["ApiUrl"]["Value"]["Fn::If"]
    assert all(address["Fn::Sub"].endswith("/submissions") for address in addresses)


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
    policies = resource(pipeline, "GitHubDeployRole")["Properties"]["Policies"]
    granted = [s for p in policies for s in statements(p["PolicyDocument"]) if s["Effect"] == "Allow"]
    text = json.dumps(granted).lower()
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


def test_workflow_deploys_every_role_with_the_pipelines_boundary():
    import yaml

    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["deploy"]["steps"]
    (publish_step,) = [step for step in steps if step.get("name") == "Publish"]
    assert publish_step["env"]["PERMISSIONS_BOUNDARY_ARN"] == "${{ vars.AWS_PERMISSIONS_BOUNDARY_ARN }}"
    script = publish_step["run"]
    # Without the variable the run stops before deploying: the execution role would refuse every role.
    assert (
        script.index('if [ -z "$PERMISSIONS_BOUNDARY_ARN" ]')
        < script.index("exit 1")
        < script.index("publish.py deploy")
    )
    assert 'extra=(--parameter "PermissionsBoundaryArn=$PERMISSIONS_BOUNDARY_ARN")' in script
    assert '"${extra[@]}"' in script
    # The optional per-client limit of infra/waf.yaml, from a repository variable.
    assert publish_step["env"]["API_WEB_ACL_ARN"] == "${{ vars.SWANILAI_API_WEB_ACL_ARN }}"
    assert 'if [ -n "$API_WEB_ACL_ARN" ]; then extra+=(--parameter "ApiWebAclArn=$API_WEB_ACL_ARN"); fi' in script


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
    seed = (ROOT / "tests" / "fixtures" / "schemes" / "konsultasi-manajemen-pemasaran.yaml").read_text(encoding="utf-8")
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

"""IAM and bucket policies of both templates, evaluated request by request, offline.

A small evaluator of the policy language (Allow/Deny, Action/NotAction, Resource/NotResource,
wildcards, the condition operators the templates use, permissions boundaries) answers whether a
request is allowed, with the templates' intrinsic functions resolved to example names. It knows
no operator the templates do not use: an unknown one fails the test instead of passing silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from support.infra import publish

from swanilai.paths import INFRA_DIR

ALLOWED, DENIED = "allowed", "denied"
ACCOUNT = "111122223333"
REGION = "ap-southeast-3"
STACK = "swanilai"
PIPELINE_STACK = "swanilai-pipeline"

# What CloudFormation would make of the names in the templates, for an LSP whose app stack is
# "swanilai" and pipeline stack "swanilai-pipeline" (the pipeline's own resources then share the
# app's name prefix, the case where name patterns could overlap).
SUBMISSIONS = "swanilai-submissionsbucket-1a2b3c4d5e6f"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/swanilai-pipeline-AppRoleBoundary-Q1W2E3R4T5Y6"
ASSESSOR_BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/swanilai-pipeline-AssessorUserBoundary-U7I8O9P0A1S2"
ARTIFACTS = "swanilai-pipeline-artifactsbucket-9z8y7x6w5v4u"
EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/swanilai-pipeline-CloudFormationExecutionRole-ZXCVBNMASDFG"
DEPLOY_ROLE = f"arn:aws:iam::{ACCOUNT}:role/swanilai-pipeline-GitHubDeployRole-HJKLQWERTYUI"
ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"

APP_NAMES = {
    "AWS::Partition": "aws",
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::StackName": STACK,
    "SubmissionsBucket": SUBMISSIONS,
    "SubmissionsBucket.Arn": f"arn:aws:s3:::{SUBMISSIONS}",
    "AccessLogsBucket.Arn": "arn:aws:s3:::swanilai-accesslogsbucket-0p9o8i7u6y5t",
    "SiteBucket.Arn": "arn:aws:s3:::swanilai-sitebucket-5t6y7u8i9o0p",
    "SiteDistribution": "E2QWRUHAPOMQZL",
    "SubmissionTopic": f"arn:aws:sns:{REGION}:{ACCOUNT}:swanilai-SubmissionTopic-AbCdEfGhIjKl",
    "SubmitFunctionLogGroup.Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:swanilai-submit-function:*",
    "DeskFunctionLogGroup.Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:swanilai-desk-function:*",
    "ErasureFunctionLogGroup.Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:swanilai-erasure-function:*",
    "DeskIndexerLogGroup.Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:swanilai-desk-indexer:*",
    "DeskIndexTable.Arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/swanilai-DeskIndexTable-1A2B3C4D5E6F",
    "DeskUserPool.Arn": f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_AbCdEfGhI",
}
PIPELINE_NAMES = {
    "AWS::Partition": "aws",
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::StackName": PIPELINE_STACK,
    "AppStackName": STACK,
    "GitHubRepository": "lsp-contoh/swanilai",
    "Branch": "main",
    "AppRoleBoundary": BOUNDARY,
    "AssessorUserBoundary": ASSESSOR_BOUNDARY,
    "ArtifactsBucket.Arn": f"arn:aws:s3:::{ARTIFACTS}",
    "CloudFormationExecutionRole.Arn": EXECUTION_ROLE,
    "GitHubDeployRole.Arn": DEPLOY_ROLE,
}


# -- the evaluator


def resolve(node, names: dict[str, str]):
    """The value of a template fragment, with Ref, Fn::GetAtt and Fn::Sub resolved from names."""
    if isinstance(node, list):
        return [resolve(item, names) for item in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1 and "Ref" in node:
        return names[node["Ref"]]
    if len(node) == 1 and "Fn::GetAtt" in node:
        return names[".".join(node["Fn::GetAtt"])]
    if len(node) == 1 and "Fn::Sub" in node:
        text, local = (node["Fn::Sub"], {}) if isinstance(node["Fn::Sub"], str) else node["Fn::Sub"]
        values = {**names, **{key: resolve(value, names) for key, value in local.items()}}
        return re.sub(r"\$\{([A-Za-z0-9:._]+)\}", lambda match: values[match.group(1)], text)
    assert not any(key.startswith("Fn::") for key in node), f"the evaluator cannot resolve {node}"
    return {key: resolve(value, names) for key, value in node.items()}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def wildcard(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM's matching: * is any run of characters (slashes and colons too), ? one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: dict[str, str] = field(default_factory=dict)
    principal: str = f"arn:aws:iam::{ACCOUNT}:user/asesor-siti"
    service: str = ""  # a service principal (logging.s3.amazonaws.com) instead of an IAM one


OPERATORS = {"Null", "StringEquals", "ArnEquals", "StringLike", "ArnLike", "StringNotEquals", "ArnNotEquals"}
OPERATORS |= {"StringNotLike", "ArnNotLike", "Bool"}


def condition_holds(condition: dict, context: dict[str, str]) -> bool:
    values = {key.lower(): value for key, value in context.items()}
    for operator, tests in condition.items():
        if operator not in OPERATORS:
            raise AssertionError(f"the evaluator does not know the condition operator {operator}")
        for key, expected in tests.items():
            expected = [str(e) for e in as_list(expected)]
            present = key.lower() in values
            value = values.get(key.lower(), "")
            if operator == "Null":
                holds = (not present) == (expected == ["true"])
            elif operator in ("StringEquals", "ArnEquals"):
                holds = present and value in expected
            elif operator in ("StringLike", "ArnLike"):
                holds = present and any(wildcard(e, value) for e in expected)
            elif operator in ("StringNotEquals", "ArnNotEquals"):
                holds = not present or value not in expected
            elif operator in ("StringNotLike", "ArnNotLike"):
                holds = not present or not any(wildcard(e, value) for e in expected)
            else:  # Bool
                holds = present and value.lower() in [e.lower() for e in expected]
            if not holds:
                return False
    return True


KNOWN_ELEMENTS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal"}


def applies(statement: dict, request: Request) -> bool:
    assert set(statement) <= KNOWN_ELEMENTS, f"the evaluator does not know {set(statement) - KNOWN_ELEMENTS}"
    if "Action" in statement:
        if not any(wildcard(a, request.action, ignore_case=True) for a in as_list(statement["Action"])):
            return False
    elif any(wildcard(a, request.action, ignore_case=True) for a in as_list(statement["NotAction"])):
        return False
    if "Resource" in statement:
        if not any(wildcard(r, request.resource) for r in as_list(statement["Resource"])):
            return False
    elif "NotResource" in statement and any(wildcard(r, request.resource) for r in as_list(statement["NotResource"])):
        return False
    if "Principal" in statement:
        principal = statement["Principal"]
        if principal != "*":
            named = as_list(principal.get("Service", [])) + as_list(principal.get("AWS", []))
            if request.service not in named and request.principal not in named:
                return False
    return condition_holds(statement.get("Condition", {}), request.context)


def statements(document: dict) -> list[dict]:
    return as_list(document["Statement"])


def decide(
    request: Request,
    identity: list[dict] = (),
    boundary: dict | None = None,
    resource_policies: list[dict] = (),
) -> str:
    """IAM's decision in one account: an explicit Deny anywhere wins; then an Allow is needed from
    an identity policy (within the boundary, when there is one) or from a resource policy."""
    every = [s for d in [*identity, *resource_policies, *([boundary] if boundary else [])] for s in statements(d)]
    if any(s["Effect"] == "Deny" and applies(s, request) for s in every):
        return DENIED
    by_identity = any(s["Effect"] == "Allow" and applies(s, request) for d in identity for s in statements(d))
    if by_identity and boundary is not None:
        by_identity = any(s["Effect"] == "Allow" and applies(s, request) for s in statements(boundary))
    by_resource = any(s["Effect"] == "Allow" and applies(s, request) for d in resource_policies for s in statements(d))
    return ALLOWED if by_identity or by_resource else DENIED


# -- the documents


@pytest.fixture(scope="module")
def app() -> dict:
    return publish.load_template(INFRA_DIR / "template.yaml")


@pytest.fixture(scope="module")
def pipeline() -> dict:
    return publish.load_template(INFRA_DIR / "pipeline.yaml")


def app_document(app: dict, name: str) -> dict:
    return resolve(app["Resources"][name]["Properties"]["PolicyDocument"], APP_NAMES)


def pipeline_document(pipeline: dict, name: str) -> dict:
    return resolve(pipeline["Resources"][name]["Properties"]["PolicyDocument"], PIPELINE_NAMES)


def inline_documents(template: dict, role: str, names: dict) -> list[dict]:
    return [resolve(p["PolicyDocument"], names) for p in template["Resources"][role]["Properties"]["Policies"]]


def self_evaluator_table():
    # The evaluator itself, on the cases of the IAM documentation it relies on.
    allow_put = {"Statement": [{"Effect": "Allow", "Action": "s3:Put*", "Resource": "arn:aws:s3:::b/*"}]}
    return [
        (Request("s3:PutObject", "arn:aws:s3:::b/k"), [allow_put], ALLOWED),
        (Request("S3:PUTOBJECT", "arn:aws:s3:::b/a/b/c"), [allow_put], ALLOWED),
        (Request("s3:GetObject", "arn:aws:s3:::b/k"), [allow_put], DENIED),
        (Request("s3:PutObject", "arn:aws:s3:::c/k"), [allow_put], DENIED),
        (Request("s3:PutObject", "arn:aws:s3:::b/k"), [], DENIED),
    ]


@pytest.mark.parametrize("request_, identity, expected", self_evaluator_table())
def test_the_evaluator_follows_iam_on_plain_allows(request_, identity, expected):
    assert decide(request_, identity) == expected


def test_the_evaluator_refuses_an_operator_it_does_not_know():
    document = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"DateLessThan": {}}}]}
    with pytest.raises(AssertionError, match="DateLessThan"):
        decide(Request("s3:GetObject", "arn:aws:s3:::b/k"), [document])


# -- records and reviews are written once (assessors' policy and the bucket policy)


def obj(key: str, bucket: str = SUBMISSIONS) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


REVIEW = obj("reviews/konsultasi-manajemen-pemasaran/9a1b2c3d-4e5f-4a6b-8c7d-000000000001/20261125T033000Z-a1b2.json")
RECORD = obj("submissions/konsultasi-manajemen-pemasaran/2026/11/25/9a1b2c3d-4e5f-4a6b-8c7d-000000000001.json")
CREATE_ONLY = {"s3:if-none-match": "*"}
TLS = {"aws:SecureTransport": "true"}

ASSESSOR_CASES = [
    ("create a review", Request("s3:PutObject", REVIEW, {**CREATE_ONLY, **TLS}), ALLOWED),
    ("overwrite a review (no If-None-Match)", Request("s3:PutObject", REVIEW, TLS), DENIED),
    (
        "replace a review by its ETag (If-Match)",
        Request("s3:PutObject", REVIEW, {"s3:if-match": '"abc"', **TLS}),
        DENIED,
    ),
    ("write a record, even create-only", Request("s3:PutObject", RECORD, {**CREATE_ONLY, **TLS}), DENIED),
    ("overwrite a record", Request("s3:PutObject", RECORD, TLS), DENIED),
    ("delete a review", Request("s3:DeleteObject", REVIEW, TLS), DENIED),
    ("delete a record", Request("s3:DeleteObject", RECORD, TLS), DENIED),
    ("write elsewhere in the bucket", Request("s3:PutObject", obj("exports/x.json"), {**CREATE_ONLY, **TLS}), DENIED),
    ("change a review's ACL", Request("s3:PutObjectAcl", REVIEW, TLS), DENIED),
    ("read a record", Request("s3:GetObject", RECORD, TLS), ALLOWED),
    ("read a review", Request("s3:GetObject", REVIEW, TLS), ALLOWED),
    ("list the bucket", Request("s3:ListBucket", f"arn:aws:s3:::{SUBMISSIONS}", TLS), ALLOWED),
    ("read another bucket", Request("s3:GetObject", obj("x", "other-bucket"), TLS), DENIED),
    (
        "create a review over plain HTTP",
        Request("s3:PutObject", REVIEW, CREATE_ONLY | {"aws:SecureTransport": "false"}),
        DENIED,
    ),
]


@pytest.mark.parametrize("request_, expected", [c[1:] for c in ASSESSOR_CASES], ids=[c[0] for c in ASSESSOR_CASES])
def test_assessors_create_reviews_and_overwrite_nothing(app, request_, expected):
    identity = [app_document(app, "AssessorsPolicy")]
    assert decide(request_, identity, resource_policies=[app_document(app, "SubmissionsBucketPolicy")]) == expected


def test_assessors_may_put_reviews_only_under_the_if_none_match_condition(app):
    puts = [s for s in statements(app_document(app, "AssessorsPolicy")) if "s3:PutObject" in as_list(s["Action"])]
    assert puts == [
        {
            "Sid": "CreateReviews",
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{SUBMISSIONS}/reviews/*",
            "Condition": {"Null": {"s3:if-none-match": "false"}},
        }
    ]


ADMIN_POLICY = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
ERASURE_LOG = obj("erasures/2026/11/3f2a9c1e-0b7d-4c55-9a0e-2b8f6d1c4e70.json")
FUNCTION = f"arn:aws:iam::{ACCOUNT}:role/swanilai/swanilai-SubmitFunctionRole-A1B2C3"

BUCKET_CASES = [
    ("an administrator overwrites a review", Request("s3:PutObject", REVIEW, TLS), DENIED),
    ("an administrator creates a review", Request("s3:PutObject", REVIEW, {**CREATE_ONLY, **TLS}), ALLOWED),
    ("an administrator overwrites a record", Request("s3:PutObject", RECORD, TLS), DENIED),
    ("a stray `aws s3 cp` into submissions/", Request("s3:PutObject", obj("submissions/x/y.json"), TLS), DENIED),
    ("an administrator writes elsewhere", Request("s3:PutObject", obj("exports/x.csv"), TLS), ALLOWED),
    # The erasure log is the proof that an erasure happened: nobody rewrites or removes it.
    ("an administrator overwrites an erasure log entry", Request("s3:PutObject", ERASURE_LOG, TLS), DENIED),
    (
        "an administrator creates an erasure log entry",
        Request("s3:PutObject", ERASURE_LOG, {**CREATE_ONLY, **TLS}),
        ALLOWED,
    ),
    ("an administrator deletes an erasure log entry", Request("s3:DeleteObject", ERASURE_LOG, TLS), DENIED),
    ("an administrator deletes a version of the log", Request("s3:DeleteObjectVersion", ERASURE_LOG, TLS), DENIED),
    ("an administrator deletes an export", Request("s3:DeleteObject", obj("exports/x.csv"), TLS), ALLOWED),
    (
        "an administrator reads over plain HTTP",
        Request("s3:GetObject", RECORD, {"aws:SecureTransport": "false"}),
        DENIED,
    ),
]


@pytest.mark.parametrize("request_, expected", [c[1:] for c in BUCKET_CASES], ids=[c[0] for c in BUCKET_CASES])
def test_bucket_policy_keeps_records_and_reviews_write_once_for_everyone(app, request_, expected):
    bucket = [app_document(app, "SubmissionsBucketPolicy")]
    assert decide(request_, [ADMIN_POLICY], resource_policies=bucket) == expected


def test_the_function_still_stores_records_create_only(app):
    role = inline_documents(app, "SubmitFunctionRole", APP_NAMES)
    bucket = [app_document(app, "SubmissionsBucketPolicy")]
    stored = Request("s3:PutObject", RECORD, {**CREATE_ONLY, **TLS}, principal=FUNCTION)
    overwritten = Request("s3:PutObject", RECORD, TLS, principal=FUNCTION)
    assert (decide(stored, role, resource_policies=bucket), decide(overwritten, role, resource_policies=bucket)) == (
        ALLOWED,
        DENIED,
    )


# -- evidence files (issue 12): the candidates' function signs uploads into incoming/ only, files
# them into evidence/, and reads reviews for the status route; an infected upload is read by nobody

UPLOAD = obj("incoming/9a1b2c3d-4e5f-4a6b-8c7d-000000000001/" + "ab" * 32)
EVIDENCE = obj("evidence/konsultasi-manajemen-pemasaran/9a1b2c3d-4e5f-4a6b-8c7d-000000000001/" + "ab" * 32 + ".pdf")
BUCKET = f"arn:aws:s3:::{SUBMISSIONS}"
INFECTED = {"s3:ExistingObjectTag/GuardDutyMalwareScanStatus": "THREATS_FOUND", **TLS}
CLEAN = {"s3:ExistingObjectTag/GuardDutyMalwareScanStatus": "NO_THREATS_FOUND", **TLS}

FUNCTION_CASES = [
    # A presigned POST is S3 authorising a PutObject as the function that signed it.
    ("a presigned POST into incoming/", Request("s3:PutObject", UPLOAD, TLS, principal=FUNCTION), ALLOWED),
    ("a presigned POST into evidence/ directly", Request("s3:PutObject", EVIDENCE, TLS, principal=FUNCTION), ALLOWED),
    (
        "a presigned POST into submissions/ (no If-None-Match in a POST)",
        Request("s3:PutObject", RECORD, TLS, principal=FUNCTION),
        DENIED,
    ),
    (
        "a presigned POST into reviews/",
        Request("s3:PutObject", REVIEW, {**CREATE_ONLY, **TLS}, principal=FUNCTION),
        DENIED,
    ),
    (
        "a presigned POST anywhere else",
        Request("s3:PutObject", obj("site/index.html"), TLS, principal=FUNCTION),
        DENIED,
    ),
    ("HEAD or a ranged GET of an upload", Request("s3:GetObject", UPLOAD, TLS, principal=FUNCTION), ALLOWED),
    ("HEAD of a filed file (a retry)", Request("s3:GetObject", EVIDENCE, TLS, principal=FUNCTION), ALLOWED),
    (
        "copy an upload to evidence/",
        Request("s3:PutObject", EVIDENCE, {"s3:if-none-match": "*", **TLS}, principal=FUNCTION),
        ALLOWED,
    ),
    ("read a scanned, clean upload", Request("s3:GetObject", UPLOAD, CLEAN, principal=FUNCTION), ALLOWED),
    ("read an upload found infected", Request("s3:GetObject", UPLOAD, INFECTED, principal=FUNCTION), DENIED),
    ("read a filed copy tagged infected", Request("s3:GetObject", EVIDENCE, INFECTED, principal=FUNCTION), DENIED),
    ("delete an upload", Request("s3:DeleteObject", UPLOAD, TLS, principal=FUNCTION), DENIED),
    ("delete evidence", Request("s3:DeleteObject", EVIDENCE, TLS, principal=FUNCTION), DENIED),
    ("retag an upload", Request("s3:PutObjectTagging", UPLOAD, TLS, principal=FUNCTION), DENIED),
    ("change the bucket's CORS", Request("s3:PutBucketCORS", BUCKET, TLS, principal=FUNCTION), DENIED),
    (
        "list a submission's reviews (status)",
        Request("s3:ListBucket", BUCKET, {"s3:prefix": "reviews/konsultasi/9a1b2c3d/", **TLS}, principal=FUNCTION),
        ALLOWED,
    ),
    ("read a review (status)", Request("s3:GetObject", REVIEW, TLS, principal=FUNCTION), ALLOWED),
    (
        "list the uploads",
        Request("s3:ListBucket", BUCKET, {"s3:prefix": "incoming/", **TLS}, principal=FUNCTION),
        DENIED,
    ),
    ("list the whole bucket", Request("s3:ListBucket", BUCKET, TLS, principal=FUNCTION), DENIED),
    (
        "a presigned POST over plain HTTP",
        Request("s3:PutObject", UPLOAD, {"aws:SecureTransport": "false"}, principal=FUNCTION),
        DENIED,
    ),
]


@pytest.mark.parametrize("request_, expected", [c[1:] for c in FUNCTION_CASES], ids=[c[0] for c in FUNCTION_CASES])
def test_the_candidates_function_signs_uploads_into_incoming_and_files_them_into_evidence(app, request_, expected):
    role = inline_documents(app, "SubmitFunctionRole", APP_NAMES)
    assert decide(request_, role, resource_policies=[app_document(app, "SubmissionsBucketPolicy")]) == expected


def test_the_functions_puts_are_exactly_incoming_evidence_and_create_only_submissions(app):
    role = inline_documents(app, "SubmitFunctionRole", APP_NAMES)
    puts = sorted(
        (s["Resource"], s.get("Condition"))
        for d in role
        for s in statements(d)
        if "s3:PutObject" in as_list(s["Action"])
    )
    assert puts == [
        (obj("evidence/*"), None),
        (obj("incoming/*"), None),
        (obj("submissions/*"), None),  # create-only by the bucket policy (DenyOverwritingRecordsAndReviews)
    ]


MALWARE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/swanilai/swanilai-MalwareProtectionRole-J1K2L3"
MANAGED_RULE = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3-abc"
BY_GUARDDUTY = {"events:ManagedBy": "malware-protection-plan.guardduty.amazonaws.com"}
MALWARE_CASES = [
    ("scan an upload", Request("s3:GetObject", UPLOAD, CLEAN, principal=MALWARE_ROLE), ALLOWED),
    ("tag a scanned upload", Request("s3:PutObjectTagging", UPLOAD, TLS, principal=MALWARE_ROLE), ALLOWED),
    ("read a record", Request("s3:GetObject", RECORD, TLS, principal=MALWARE_ROLE), DENIED),
    ("read a review", Request("s3:GetObject", REVIEW, TLS, principal=MALWARE_ROLE), DENIED),
    ("read filed evidence", Request("s3:GetObject", EVIDENCE, TLS, principal=MALWARE_ROLE), DENIED),
    ("tag a record", Request("s3:PutObjectTagging", RECORD, TLS, principal=MALWARE_ROLE), DENIED),
    ("write an upload", Request("s3:PutObject", UPLOAD, TLS, principal=MALWARE_ROLE), DENIED),
    (
        "write its validation object",
        Request("s3:PutObject", obj("malware-protection-resource-validation-object"), TLS, principal=MALWARE_ROLE),
        ALLOWED,
    ),
    ("delete an upload", Request("s3:DeleteObject", UPLOAD, TLS, principal=MALWARE_ROLE), DENIED),
    ("its managed rule", Request("events:PutRule", MANAGED_RULE, BY_GUARDDUTY), ALLOWED),
    ("its rule, not managed by GuardDuty", Request("events:PutRule", MANAGED_RULE), DENIED),
    (
        "another rule",
        Request("events:PutTargets", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/payroll", BY_GUARDDUTY),
        DENIED,
    ),
]


@pytest.mark.parametrize("request_, expected", [c[1:] for c in MALWARE_CASES], ids=[c[0] for c in MALWARE_CASES])
def test_malware_protection_scans_and_tags_uploads_only(app, request_, expected):
    role = inline_documents(app, "MalwareProtectionRole", APP_NAMES)
    assert decide(request_, role, resource_policies=[app_document(app, "SubmissionsBucketPolicy")]) == expected


def test_an_infected_upload_is_read_by_nobody_not_even_an_administrator(app):
    bucket = [app_document(app, "SubmissionsBucketPolicy")]
    assert [
        decide(Request("s3:GetObject", key, INFECTED), [ADMIN_POLICY], resource_policies=bucket)
        for key in (UPLOAD, EVIDENCE)
    ] == [
        DENIED,
        DENIED,
    ]
    assert decide(Request("s3:GetObject", RECORD, INFECTED), [ADMIN_POLICY], resource_policies=bucket) == ALLOWED


# -- access logs: only S3's log delivery for this bucket writes them


LOG_OBJECT = "arn:aws:s3:::swanilai-accesslogsbucket-0p9o8i7u6y5t/submissions-bucket/2026-11-25-03-30-00-ABCDEF"
LOG_CASES = [
    (
        "S3 delivers this bucket's logs",
        Request(
            "s3:PutObject",
            LOG_OBJECT,
            {"aws:SourceArn": f"arn:aws:s3:::{SUBMISSIONS}", "aws:SourceAccount": ACCOUNT, **TLS},
            service="logging.s3.amazonaws.com",
        ),
        ALLOWED,
    ),
    (
        "S3 delivers another bucket's logs",
        Request(
            "s3:PutObject",
            LOG_OBJECT,
            {"aws:SourceArn": "arn:aws:s3:::someone-elses-bucket", "aws:SourceAccount": "444455556666", **TLS},
            service="logging.s3.amazonaws.com",
        ),
        DENIED,
    ),
    ("an assessor reads the logs", Request("s3:GetObject", LOG_OBJECT, TLS), DENIED),
]


@pytest.mark.parametrize("request_, expected", [c[1:] for c in LOG_CASES], ids=[c[0] for c in LOG_CASES])
def test_access_logs_are_written_only_by_s3_log_delivery(app, request_, expected):
    identity = [app_document(app, "AssessorsPolicy")] if not request_.service else []
    assert decide(request_, identity, resource_policies=[app_document(app, "AccessLogsBucketPolicy")]) == expected


# -- the pipeline: roles only with the boundary, and only the stack's own resources


def role(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


APP_ROLE = role("swanilai/swanilai-SubmitFunctionRole-A1B2C3")
WITH_BOUNDARY = {"iam:PermissionsBoundary": BOUNDARY}
STACK_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/swanilai/swanilai-AssessorsPolicy-D4E5F6"
GROUP = f"arn:aws:iam::{ACCOUNT}:group/swanilai-AssessorsGroup-G7H8I9"
APIS = f"arn:aws:apigateway:{REGION}::"
CLOUDFRONT = f"arn:aws:cloudfront::{ACCOUNT}"
LOGS = f"arn:aws:logs:{REGION}:{ACCOUNT}"

EXECUTION_CASES = [
    ("create a role with the boundary", Request("iam:CreateRole", APP_ROLE, WITH_BOUNDARY), ALLOWED),
    ("create a role without a boundary", Request("iam:CreateRole", APP_ROLE), DENIED),
    (
        "create a role with another boundary",
        Request("iam:CreateRole", APP_ROLE, {"iam:PermissionsBoundary": ADMINISTRATOR}),
        DENIED,
    ),
    (
        "create a role outside the stack's path",
        Request("iam:CreateRole", role("swanilai-admin"), WITH_BOUNDARY),
        DENIED,
    ),
    ("put a policy on a bounded role", Request("iam:PutRolePolicy", APP_ROLE, WITH_BOUNDARY), ALLOWED),
    ("put a policy on a role without boundary", Request("iam:PutRolePolicy", role("swanilai/old-role")), DENIED),
    (
        "attach a policy to a bounded role",
        Request("iam:AttachRolePolicy", APP_ROLE, {**WITH_BOUNDARY, "iam:PolicyARN": ADMINISTRATOR}),
        ALLOWED,
    ),
    (
        "attach a policy to a role without boundary",
        Request("iam:AttachRolePolicy", role("swanilai/old-role"), {"iam:PolicyARN": ADMINISTRATOR}),
        DENIED,
    ),
    ("take the boundary off", Request("iam:DeleteRolePermissionsBoundary", APP_ROLE, WITH_BOUNDARY), DENIED),
    (
        "swap the boundary",
        Request("iam:PutRolePermissionsBoundary", APP_ROLE, {"iam:PermissionsBoundary": ADMINISTRATOR}),
        DENIED,
    ),
    ("rewrite the boundary", Request("iam:CreatePolicyVersion", BOUNDARY), DENIED),
    ("roll the boundary back", Request("iam:SetDefaultPolicyVersion", BOUNDARY), DENIED),
    ("delete the boundary", Request("iam:DeletePolicy", BOUNDARY), DENIED),
    ("rewrite the assessors' user boundary", Request("iam:CreatePolicyVersion", ASSESSOR_BOUNDARY), DENIED),
    ("put a policy on the deploy role", Request("iam:PutRolePolicy", DEPLOY_ROLE), DENIED),
    ("let another account assume the deploy role", Request("iam:UpdateAssumeRolePolicy", DEPLOY_ROLE), DENIED),
    ("let another account assume the execution role", Request("iam:UpdateAssumeRolePolicy", EXECUTION_ROLE), DENIED),
    (
        "pass an app role to its function",
        Request("iam:PassRole", APP_ROLE, {"iam:PassedToService": "lambda.amazonaws.com"}),
        ALLOWED,
    ),
    (
        "pass an app role to an EC2 instance",
        Request("iam:PassRole", APP_ROLE, {"iam:PassedToService": "ec2.amazonaws.com"}),
        DENIED,
    ),
    (
        "pass an app role to GuardDuty's malware scan",
        Request("iam:PassRole", APP_ROLE, {"iam:PassedToService": "malware-protection-plan.guardduty.amazonaws.com"}),
        ALLOWED,
    ),
    (
        "create the uploads' malware protection plan",
        Request(
            "guardduty:CreateMalwareProtectionPlan",
            f"arn:aws:guardduty:{REGION}:{ACCOUNT}:malware-protection-plan/a1b2",
        ),
        ALLOWED,
    ),
    (
        "turn GuardDuty off",
        Request(
            "guardduty:DeleteDetector",
            f"arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/12abc34d567e8fa901bc2d34e56789f0",
        ),
        DENIED,
    ),
    (
        "pass the execution role",
        Request("iam:PassRole", EXECUTION_ROLE, {"iam:PassedToService": "lambda.amazonaws.com"}),
        DENIED,
    ),
    (
        "attach the stack's policy to its group",
        Request("iam:AttachGroupPolicy", GROUP, {"iam:PolicyARN": STACK_POLICY}),
        ALLOWED,
    ),
    (
        "attach AdministratorAccess to the assessors' group",
        Request("iam:AttachGroupPolicy", GROUP, {"iam:PolicyARN": ADMINISTRATOR}),
        DENIED,
    ),
    ("give the assessors' group an inline policy", Request("iam:PutGroupPolicy", GROUP), DENIED),
    ("create an IAM user", Request("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/backdoor"), DENIED),
    ("create an HTTP API", Request("apigateway:POST", f"{APIS}/apis"), ALLOWED),
    ("change an HTTP API's stage", Request("apigateway:PATCH", f"{APIS}/apis/a1b2c3d4e5/stages/$default"), ALLOWED),
    ("change API Gateway's account settings", Request("apigateway:PATCH", f"{APIS}/account"), DENIED),
    ("change a REST API", Request("apigateway:PATCH", f"{APIS}/restapis/f6g7h8i9j0"), DENIED),
    ("take a custom domain name", Request("apigateway:POST", f"{APIS}/domainnames"), DENIED),
    (
        "delete an HTTP API in another region",
        Request("apigateway:DELETE", "arn:aws:apigateway:us-east-1::/apis/x"),
        DENIED,
    ),
    (
        "update the site's function",
        Request("cloudfront:UpdateFunction", f"{CLOUDFRONT}:function/swanilai-index"),
        ALLOWED,
    ),
    (
        "update another site's function",
        Request("cloudfront:UpdateFunction", f"{CLOUDFRONT}:function/toko-index"),
        DENIED,
    ),
    (
        "update a distribution",
        Request("cloudfront:UpdateDistribution", f"{CLOUDFRONT}:distribution/E2QWRUHAPOMQZL"),
        ALLOWED,
    ),
    ("change a cache policy", Request("cloudfront:UpdateCachePolicy", f"{CLOUDFRONT}:cache-policy/abc"), DENIED),
    ("create a key group", Request("cloudfront:CreateKeyGroup", "*"), DENIED),
    (
        "invalidate a distribution",
        Request("cloudfront:CreateInvalidation", f"{CLOUDFRONT}:distribution/E2QWRUHAPOMQZL"),
        DENIED,
    ),
    (
        "use the API's web ACL",
        Request("wafv2:GetWebACL", f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/swanilai-api-per-client/0a1b"),
        ALLOWED,
    ),
    (
        "change the API's web ACL",
        Request("wafv2:UpdateWebACL", f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/swanilai-api-per-client/0a1b"),
        DENIED,
    ),
    (
        "create the stack's log group",
        Request("logs:CreateLogGroup", f"{LOGS}:log-group:swanilai-submit-function"),
        ALLOWED,
    ),
    (
        "set the stack's log retention",
        Request("logs:PutRetentionPolicy", f"{LOGS}:log-group:swanilai-api-access:*"),
        ALLOWED,
    ),
    ("delete another log group", Request("logs:DeleteLogGroup", f"{LOGS}:log-group:/aws/lambda/payroll:*"), DENIED),
    (
        "read another function's logs",
        Request("logs:GetLogEvents", f"{LOGS}:log-group:/aws/lambda/payroll:log-stream:x"),
        DENIED,
    ),
    (
        "read the stack's own logs",
        Request("logs:GetLogEvents", f"{LOGS}:log-group:swanilai-submit-function:log-stream:x"),
        DENIED,
    ),
    (
        "subscribe to another log group",
        Request("logs:PutSubscriptionFilter", f"{LOGS}:log-group:/aws/lambda/payroll:*"),
        DENIED,
    ),
    ("configure API access log delivery", Request("logs:CreateLogDelivery", "*"), ALLOWED),
    (
        "create the desk's index table",
        Request("dynamodb:CreateTable", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/swanilai-DeskIndexTable-1A2B"),
        ALLOWED,
    ),
    (
        "delete another table",
        Request("dynamodb:DeleteTable", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/payroll"),
        DENIED,
    ),
    ("create the desk's user pool", Request("cognito-idp:CreateUserPool", "*"), ALLOWED),
    (
        "create the indexer's event rule",
        Request("events:PutRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/swanilai-DeskIndexerRecords-1A2B"),
        ALLOWED,
    ),
    (
        "change another event rule",
        Request("events:PutTargets", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/payroll-nightly"),
        DENIED,
    ),
    ("read packaged code", Request("s3:GetObject", f"arn:aws:s3:::{ARTIFACTS}/abc123"), ALLOWED),
]


@pytest.mark.parametrize("request_, expected", [c[1:] for c in EXECUTION_CASES], ids=[c[0] for c in EXECUTION_CASES])
def test_execution_role_creates_only_bounded_roles_and_touches_only_the_stacks_kinds_of_resource(
    pipeline, request_, expected
):
    assert decide(request_, inline_documents(pipeline, "CloudFormationExecutionRole", PIPELINE_NAMES)) == expected


def test_execution_role_names_the_boundary_on_every_role_changing_action(pipeline):
    documents = inline_documents(pipeline, "CloudFormationExecutionRole", PIPELINE_NAMES)
    bounded = [s for d in documents for s in statements(d) if "iam:PermissionsBoundary" in str(s.get("Condition"))]
    assert [(s["Effect"], sorted(as_list(s["Action"])), s["Resource"], s["Condition"]) for s in bounded] == [
        (
            "Allow",
            [
                "iam:AttachRolePolicy",
                "iam:CreateRole",
                "iam:DeleteRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutRolePermissionsBoundary",
                "iam:PutRolePolicy",
            ],
            f"arn:aws:iam::{ACCOUNT}:role/swanilai/*",
            {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}},
        )
    ]
    # No other statement lets it create a role or change what a role may do.
    others = [s for d in documents for s in statements(d) if s not in bounded and s["Effect"] == "Allow"]
    changing = {"iam:createrole", "iam:putrolepolicy", "iam:attachrolepolicy", "iam:putrolepermissionsboundary"}
    changing |= {"iam:*", "*"}
    assert [s["Sid"] for s in others if changing & {a.lower() for a in as_list(s["Action"])}] == []


SUBMITTING = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/swanilai/4f0e1a20-0000-11f0-0000-0a1b2c3d4e5f"
DEPLOY_CASES = [
    (
        "a change set run by the execution role",
        Request("cloudformation:CreateChangeSet", SUBMITTING, {"cloudformation:RoleArn": EXECUTION_ROLE}),
        ALLOWED,
    ),
    (
        "a change set run with the deploy role's own rights",
        Request("cloudformation:CreateChangeSet", SUBMITTING),
        DENIED,
    ),
    (
        "a change set run by another role",
        Request("cloudformation:CreateChangeSet", SUBMITTING, {"cloudformation:RoleArn": role("Admin")}),
        DENIED,
    ),
    (
        "a change set that imports a distribution",
        Request(
            "cloudformation:CreateChangeSet",
            SUBMITTING,
            {
                "cloudformation:RoleArn": EXECUTION_ROLE,
                "cloudformation:ImportResourceTypes": "AWS::CloudFront::Distribution",
            },
        ),
        DENIED,
    ),
    (
        "a change set on another stack",
        Request(
            "cloudformation:CreateChangeSet",
            f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/payroll/1",
            {"cloudformation:RoleArn": EXECUTION_ROLE},
        ),
        DENIED,
    ),
    ("read a submission", Request("s3:GetObject", RECORD), DENIED),
    ("create a role", Request("iam:CreateRole", APP_ROLE, WITH_BOUNDARY), DENIED),
]


@pytest.mark.parametrize("request_, expected", [c[1:] for c in DEPLOY_CASES], ids=[c[0] for c in DEPLOY_CASES])
def test_deploy_role_changes_the_stack_only_through_the_execution_role(pipeline, request_, expected):
    assert decide(request_, inline_documents(pipeline, "GitHubDeployRole", PIPELINE_NAMES)) == expected


# -- what a bounded role can do at most, whatever policy a template gives it

BOUNDED_CASES = [
    ("read a record", Request("s3:GetObject", RECORD, principal=APP_ROLE), ALLOWED),
    (
        "write its logs",
        Request("logs:PutLogEvents", f"{LOGS}:log-group:swanilai-submit-function:log-stream:x"),
        ALLOWED,
    ),
    ("write into the packages bucket", Request("s3:PutObject", f"arn:aws:s3:::{ARTIFACTS}/abc123"), DENIED),
    ("read another bucket", Request("s3:GetObject", "arn:aws:s3:::payroll-exports/2026.csv"), DENIED),
    ("create a user", Request("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/backdoor"), DENIED),
    ("attach a policy to itself", Request("iam:AttachRolePolicy", APP_ROLE), DENIED),
    ("assume another role", Request("sts:AssumeRole", role("OrganizationAccountAccessRole")), DENIED),
    ("change a bucket policy", Request("s3:PutBucketPolicy", f"arn:aws:s3:::{SUBMISSIONS}"), DENIED),
    ("read another function's logs", Request("logs:GetLogEvents", f"{LOGS}:log-group:/aws/lambda/payroll:*"), DENIED),
]


@pytest.mark.parametrize("request_, expected", [c[1:] for c in BOUNDED_CASES], ids=[c[0] for c in BOUNDED_CASES])
def test_a_role_given_administrator_access_stays_within_the_boundary(pipeline, request_, expected):
    assert decide(request_, [ADMIN_POLICY], boundary=pipeline_document(pipeline, "AppRoleBoundary")) == expected


def template_roles(app: dict) -> list[str]:
    return [name for name, spec in app["Resources"].items() if spec["Type"] == "AWS::IAM::Role"]


def test_every_role_of_the_app_carries_the_boundary_under_the_stacks_path(app):
    assert template_roles(app) == [
        "SubmitFunctionRole",
        "MalwareProtectionRole",
        "ErasureFunctionRole",
        "DeskFunctionRole",
        "DeskIndexerRole",
    ]
    for name in template_roles(app):
        properties = app["Resources"][name]["Properties"]
        assert properties["PermissionsBoundary"] == {
            "Fn::If": ["HasPermissionsBoundary", {"Ref": "PermissionsBoundaryArn"}, {"Ref": "AWS::NoValue"}]
        }, name
        assert properties["Path"] == {"Fn::Sub": "/${AWS::StackName}/"}, name
    # SAM would make a role of its own for a function without Role, outside the boundary.
    functions = [spec for spec in app["Resources"].values() if spec["Type"] == "AWS::Serverless::Function"]
    assert all("Role" in f["Properties"] for f in functions)
    assert app["Conditions"]["HasPermissionsBoundary"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "PermissionsBoundaryArn"}, ""]}]
    }
    assert app["Resources"]["AssessorsPolicy"]["Properties"]["Path"] == {"Fn::Sub": "/${AWS::StackName}/"}


def test_every_permission_of_the_apps_roles_fits_in_the_boundary(app, pipeline):
    # Each action on each resource the app's roles are given stays allowed under the boundary:
    # deploying through the pipeline takes nothing away from the function.
    boundary = pipeline_document(pipeline, "AppRoleBoundary")
    for name in template_roles(app):
        documents = inline_documents(app, name, APP_NAMES)
        for statement in (s for d in documents for s in statements(d)):
            for action in as_list(statement["Action"]):
                for resource in as_list(statement["Resource"]):
                    example = resource.replace("*", "konsultasi/2026/11/25/x.json")
                    context = satisfying(statement.get("Condition", {}))
                    assert decide(Request(action, example, context), documents, boundary) == ALLOWED, (
                        name,
                        action,
                        resource,
                    )


def satisfying(condition: dict) -> dict[str, str]:
    """A request context that meets a statement's own condition (the boundary is what is tested)."""
    context = {}
    for operator, pairs in condition.items():
        for key, values in pairs.items():
            value = as_list(values)[0]
            if operator == "Null":
                if value == "false":
                    context[key] = "*"
            elif operator in ("StringEquals", "StringLike", "ArnEquals", "ArnLike"):
                context[key] = value.replace("*", "konsultasi/x")
    return context


def test_the_stacks_log_groups_are_named_for_the_boundary(app):
    names = {
        name: spec["Properties"].get("LogGroupName")
        for name, spec in app["Resources"].items()
        if spec["Type"] == "AWS::Logs::LogGroup"
    }
    assert names == {
        "SubmitFunctionLogGroup": {"Fn::Sub": "${AWS::StackName}-submit-function"},
        "SubmissionApiLogGroup": {"Fn::Sub": "${AWS::StackName}-api-access"},
        "DeskFunctionLogGroup": {"Fn::Sub": "${AWS::StackName}-desk-function"},
        "DeskIndexerLogGroup": {"Fn::Sub": "${AWS::StackName}-desk-indexer"},
        "ErasureFunctionLogGroup": {"Fn::Sub": "${AWS::StackName}-erasure-function"},
    }


ASSESSOR_USER_CASES = [
    ("create a review", Request("s3:PutObject", REVIEW, CREATE_ONLY), ALLOWED),
    ("overwrite a review", Request("s3:PutObject", REVIEW), DENIED),
    ("write a record", Request("s3:PutObject", RECORD, CREATE_ONLY), DENIED),
    ("read a record", Request("s3:GetObject", RECORD), ALLOWED),
    ("list the bucket", Request("s3:ListBucket", f"arn:aws:s3:::{SUBMISSIONS}"), ALLOWED),
    ("read the access logs", Request("s3:GetObject", LOG_OBJECT), DENIED),
    ("create a user", Request("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/backdoor"), DENIED),
]


@pytest.mark.parametrize(
    "request_, expected", [c[1:] for c in ASSESSOR_USER_CASES], ids=[c[0] for c in ASSESSOR_USER_CASES]
)
def test_an_assessors_user_stays_within_its_boundary_if_the_group_gets_more(pipeline, request_, expected):
    assert decide(request_, [ADMIN_POLICY], boundary=pipeline_document(pipeline, "AssessorUserBoundary")) == expected


def test_the_assessor_user_boundary_admits_exactly_the_assessors_policy(app, pipeline):
    boundary = pipeline_document(pipeline, "AssessorUserBoundary")
    policy = [app_document(app, "AssessorsPolicy")]
    for case, request_, _ in ASSESSOR_CASES:
        assert decide(request_, policy, boundary) == decide(request_, policy), case

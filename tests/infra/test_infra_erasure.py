"""The erasure function's role: the only one that may delete, and only a candidate's data (the evaluator of test_infra_policies)."""

from __future__ import annotations

import pytest
from support.infra import publish
from test_infra_policies import (
    ACCOUNT,
    ALLOWED,
    APP_NAMES,
    CREATE_ONLY,
    DENIED,
    RECORD,
    REGION,
    REVIEW,
    SUBMISSIONS,
    TLS,
    Request,
    app_document,
    as_list,
    decide,
    inline_documents,
    obj,
    pipeline_document,
    statements,
    template_roles,
    wildcard,
)

from swanilai.paths import INFRA_DIR


@pytest.fixture(scope="module")
def app() -> dict:
    return publish.load_template(INFRA_DIR / "template.yaml")


@pytest.fixture(scope="module")
def pipeline() -> dict:
    return publish.load_template(INFRA_DIR / "pipeline.yaml")


TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/swanilai-DeskIndexTable-QWERTY"
NAMES = {
    **APP_NAMES,
    "DeskIndexTable.Arn": TABLE_ARN,
    "DeskUserPool.Arn": f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_AbCdEfGhI",
    "DeskFunctionLogGroup.Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:swanilai-desk-function:*",
    "DeskIndexerLogGroup.Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:swanilai-desk-indexer:*",
    "ErasureFunctionLogGroup.Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:swanilai-erasure-function:*",
}
BUCKET = f"arn:aws:s3:::{SUBMISSIONS}"
ID = "9a1b2c3d-4e5f-4a6b-8c7d-000000000001"
MARKER = obj(f"submissions/konsultasi-manajemen-pemasaran/by-id/{ID}.marker")
EVIDENCE = obj(f"evidence/konsultasi-manajemen-pemasaran/{ID}/{'a' * 64}.pdf")
UPLOAD = obj(f"incoming/{ID}/{'a' * 64}")
LOG_ENTRY = obj("erasures/2026/11/5f0e1d2c-3b4a-4596-8877-665544332211.json")
DELETES = ("s3:DeleteObject", "s3:DeleteObjectVersion")

ERASURE_CASES = [
    *[
        (f"{action} of a {what}", Request(action, key, TLS), ALLOWED)
        for action in DELETES
        for what, key in (
            ("record", RECORD),
            ("by-id marker", MARKER),
            ("review", REVIEW),
            ("evidence file", EVIDENCE),
            ("upload", UPLOAD),
        )
    ],
    ("delete an erasure log entry", Request("s3:DeleteObject", LOG_ENTRY, TLS), DENIED),
    ("delete an erasure log entry's version", Request("s3:DeleteObjectVersion", LOG_ENTRY, TLS), DENIED),
    ("delete elsewhere in the bucket", Request("s3:DeleteObject", obj("exports/x.csv"), TLS), DENIED),
    ("delete in another bucket", Request("s3:DeleteObject", obj("submissions/x", "other-bucket"), TLS), DENIED),
    (
        "list versions of a submission's reviews",
        Request("s3:ListBucketVersions", BUCKET, {"s3:prefix": f"reviews/k/{ID}/", **TLS}),
        ALLOWED,
    ),
    ("list the erasure log", Request("s3:ListBucket", BUCKET, {"s3:prefix": "erasures/", **TLS}), ALLOWED),
    ("list the whole bucket", Request("s3:ListBucket", BUCKET, TLS), DENIED),
    ("list the access-log prefix", Request("s3:ListBucketVersions", BUCKET, {"s3:prefix": "exports/", **TLS}), DENIED),
    ("read a marker", Request("s3:GetObject", MARKER, TLS), ALLOWED),
    ("read the erasure log", Request("s3:GetObject", LOG_ENTRY, TLS), ALLOWED),
    ("read a review", Request("s3:GetObject", REVIEW, TLS), DENIED),
    ("read an evidence file", Request("s3:GetObject", EVIDENCE, TLS), DENIED),
    ("write a log entry create-only", Request("s3:PutObject", LOG_ENTRY, {**CREATE_ONLY, **TLS}), ALLOWED),
    ("overwrite a log entry", Request("s3:PutObject", LOG_ENTRY, TLS), DENIED),
    ("write a record", Request("s3:PutObject", RECORD, {**CREATE_ONLY, **TLS}), DENIED),
    ("remove an index entry", Request("dynamodb:DeleteItem", TABLE_ARN), ALLOWED),
    ("write an index entry", Request("dynamodb:PutItem", TABLE_ARN), DENIED),
    ("delete the table", Request("dynamodb:DeleteTable", TABLE_ARN), DENIED),
    ("delete over plain HTTP", Request("s3:DeleteObject", RECORD, {"aws:SecureTransport": "false"}), DENIED),
]


@pytest.mark.parametrize("request_, expected", [c[1:] for c in ERASURE_CASES], ids=[c[0] for c in ERASURE_CASES])
def test_the_erasure_role_deletes_a_candidates_data_and_nothing_else(app, request_, expected):
    role = inline_documents(app, "ErasureFunctionRole", NAMES)
    bucket = [app_document(app, "SubmissionsBucketPolicy")]
    assert decide(request_, role, resource_policies=bucket) == expected


NOBODY_ELSE = ["SubmitFunctionRole", "DeskFunctionRole", "DeskIndexerRole", "AssessorsPolicy"]


@pytest.mark.parametrize("holder", NOBODY_ELSE)
@pytest.mark.parametrize("key", [RECORD, MARKER, REVIEW, EVIDENCE, UPLOAD, LOG_ENTRY], ids=lambda k: k.split("/")[1])
@pytest.mark.parametrize("action", DELETES)
def test_no_other_role_and_no_assessor_may_delete(app, holder, key, action):
    spec = app["Resources"][holder]
    documents = (
        [app_document(app, holder)]
        if spec["Type"] == "AWS::IAM::ManagedPolicy"
        else inline_documents(app, holder, NAMES)
    )
    assert decide(Request(action, key, TLS), documents) == DENIED


def test_assessors_read_the_erasure_log_so_pull_can_forget_and_their_boundary_agrees(app, pipeline):
    read = Request("s3:GetObject", LOG_ENTRY, TLS)
    policy = [app_document(app, "AssessorsPolicy")]
    boundary = pipeline_document(pipeline, "AssessorUserBoundary")
    assert (decide(read, policy), decide(read, policy, boundary)) == (ALLOWED, ALLOWED)
    assert decide(Request("s3:PutObject", LOG_ENTRY, {**CREATE_ONLY, **TLS}), policy) == DENIED


def test_the_erasure_role_is_the_only_grant_of_a_delete_in_the_template(app):
    granting = set()
    for name, spec in app["Resources"].items():
        if spec["Type"] == "AWS::IAM::Role":
            documents = [p["PolicyDocument"] for p in spec["Properties"].get("Policies", [])]
        elif spec["Type"] == "AWS::IAM::ManagedPolicy":
            documents = [spec["Properties"]["PolicyDocument"]]
        else:
            continue
        for statement in (s for d in documents for s in as_list(d["Statement"])):
            actions = as_list(statement.get("Action", []))
            if statement["Effect"] == "Allow" and any(
                wildcard(a, d, ignore_case=True) for a in actions for d in DELETES
            ):
                granting.add(name)
    assert granting == {"ErasureFunctionRole"}


def test_the_erasure_role_carries_the_boundary_under_the_stacks_path(app):
    assert "ErasureFunctionRole" in template_roles(app)
    properties = app["Resources"]["ErasureFunctionRole"]["Properties"]
    assert properties["PermissionsBoundary"] == {
        "Fn::If": ["HasPermissionsBoundary", {"Ref": "PermissionsBoundaryArn"}, {"Ref": "AWS::NoValue"}]
    }
    assert properties["Path"] == {"Fn::Sub": "/${AWS::StackName}/"}


def test_the_erasure_roles_s3_and_log_permissions_fit_in_the_boundary(app, pipeline):
    boundary = pipeline_document(pipeline, "AppRoleBoundary")
    documents = inline_documents(app, "ErasureFunctionRole", NAMES)
    for statement in (s for d in documents for s in statements(d)):
        for action in as_list(statement["Action"]):
            if action.startswith("dynamodb:"):
                continue  # the boundary names no DynamoDB yet (the desk's roles need it too): see the report
            for resource in as_list(statement["Resource"]):
                example = resource.replace("*", "konsultasi/2026/11/25/x.json")
                request_ = Request(action, example, {"s3:prefix": "submissions/x", "s3:if-none-match": "*"})
                assert decide(request_, documents, boundary) == ALLOWED, (action, resource)


def test_the_erasure_function_serves_exactly_its_route_with_the_desks_authorizer(app):
    function = app["Resources"]["ErasureFunction"]["Properties"]
    assert function["Handler"] == "handler.erasure.lambda_handler"
    assert function["Role"] == {"Fn::GetAtt": ["ErasureFunctionRole", "Arn"]}
    (route,) = function["Events"].values()
    assert (route["Properties"]["Method"], route["Properties"]["Path"], route["Properties"]["Auth"]) == (
        "POST",
        "/desk/erasures",
        {"Authorizer": "DeskAuthorizer"},
    )

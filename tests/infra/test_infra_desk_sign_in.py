"""The deployed desk page signs in with the stack's Cognito: publish hands the sign-in to the build and the CSP."""

from __future__ import annotations

import json
import re

import pytest
from support.schemes import FIXTURE_SCHEMES

from swanilai import publish, site
from swanilai.publish import DeskSignIn, SyncResult

SIGN_IN_URL = "https://swanilai-123456789012.auth.ap-southeast-3.amazoncognito.com"
CLIENT_ID = "4kq2c0example0client0id0abc"
OUTPUTS = {
    "ApiUrl": "https://abc123.execute-api.ap-southeast-3.amazonaws.com/submissions",
    "SiteBucketName": "swanilai-site",
    "DistributionId": "E2EXAMPLE",
    "SiteUrl": "https://d111111abcdef8.cloudfront.net/",
    "DeskSignInUrl": SIGN_IN_URL,
    "DeskClientId": CLIENT_ID,
    "UploadOrigin": "https://swanilai-submissionsbucket-1a2b.s3.ap-southeast-3.amazonaws.com",
}


@pytest.mark.parametrize(
    ("outputs", "expected"),
    [
        pytest.param(OUTPUTS, DeskSignIn(SIGN_IN_URL, CLIENT_ID), id="both-outputs"),
        pytest.param({"ApiUrl": OUTPUTS["ApiUrl"]}, None, id="a-stack-from-before-the-desk"),
        pytest.param({**OUTPUTS, "DeskClientId": ""}, None, id="no-client"),
    ],
)
def test_the_desk_sign_in_is_read_from_the_stack_outputs(outputs, expected):
    assert publish.desk_sign_in(outputs) == expected


def test_the_csp_lets_the_desk_page_reach_the_managed_sign_in():
    scan = publish.SiteScan((), ())
    parameters = publish.csp_parameters(scan, OUTPUTS["ApiUrl"], DeskSignIn(SIGN_IN_URL, CLIENT_ID))
    assert parameters["AuthOrigin"] == SIGN_IN_URL
    connect = re.search(r"connect-src ([^;]+)", publish.site_csp(parameters)).group(1).split()
    assert SIGN_IN_URL in connect
    assert publish.csp_parameters(scan, OUTPUTS["ApiUrl"])["AuthOrigin"] == ""  # before the stack exists


def test_a_sign_in_url_that_is_not_https_is_refused():
    with pytest.raises(publish.PublishError, match="DeskSignInUrl"):
        DeskSignIn("http://example.auth.ap-southeast-3.amazoncognito.com", CLIENT_ID).origin  # noqa: B018


def test_a_build_with_the_sign_in_gives_the_desk_page_its_cognito_settings(tmp_path):
    site.build(
        site_dir=tmp_path / "site",
        scheme_dir=FIXTURE_SCHEMES,
        catalog_dir=tmp_path / "catalog",
        cognito=DeskSignIn(SIGN_IN_URL, CLIENT_ID).page_settings(),
    )
    html = (tmp_path / "site" / "asesor" / "index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'<script type="application/json" id="desk-config">(.*?)</script>', html, re.S)[1])
    assert config["cognito"] == {"domain": SIGN_IN_URL, "client_id": CLIENT_ID}


def test_deploy_builds_the_pages_with_the_stacks_sign_in(aws_env, monkeypatch):
    packaged = []
    monkeypatch.setattr(publish, "stack_outputs", lambda cloudformation, name: dict(OUTPUTS))
    monkeypatch.setattr(publish, "package", lambda api_url, **options: packaged.append((api_url, options)))
    monkeypatch.setattr(publish, "sam_deploy", lambda *args: None)
    monkeypatch.setattr(publish, "sync_site", lambda *args: SyncResult((), (), 0))
    monkeypatch.setattr(publish, "invalidate", lambda *args: "I1")
    publish.deploy("swanilai", "ap-southeast-3", [], None, None)
    assert packaged == [
        (OUTPUTS["ApiUrl"], {"sign_in": DeskSignIn(SIGN_IN_URL, CLIENT_ID), "uploads": OUTPUTS["UploadOrigin"]})
    ]


@pytest.mark.parametrize(
    ("outputs", "expected"),
    [
        pytest.param(OUTPUTS, OUTPUTS["UploadOrigin"], id="the-buckets-regional-origin"),
        pytest.param({"ApiUrl": OUTPUTS["ApiUrl"]}, "", id="a-stack-from-before-uploads"),
    ],
)
def test_the_upload_origin_is_read_from_the_stack_outputs(outputs, expected):
    assert publish.upload_origin(outputs) == expected


@pytest.mark.parametrize(
    "origin", ["http://bucket.s3.amazonaws.com", "https://evil.example.com", "https://x.amazonaws.com/p"]
)
def test_an_upload_origin_that_is_not_an_s3_https_origin_is_refused(origin):
    with pytest.raises(publish.PublishError, match="UploadOrigin"):
        publish.upload_origin({"UploadOrigin": origin})


def test_the_csp_lets_the_pages_post_evidence_to_the_bucket():
    scan = publish.SiteScan((), ())
    origin = OUTPUTS["UploadOrigin"]
    csp = publish.site_csp(publish.csp_parameters(scan, OUTPUTS["ApiUrl"], uploads=origin))
    (connect,) = [part for part in csp.split("; ") if part.startswith("connect-src")]
    assert origin in connect.split()

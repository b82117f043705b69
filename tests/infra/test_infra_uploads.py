"""The template's pieces for evidence files (issue 12), held to what the design allows, offline.

Who may do what is evaluated request by request in test_infra_policies.py; this file checks the
bucket's CORS and lifecycle, that no distribution serves the bucket, the optional malware scan,
the ticket route's throttle and the CSP that lets pages post to the bucket.
"""

from __future__ import annotations

import re

import pytest
from support.infra import publish

from handler import fields as f
from handler.store import evidence_key, incoming_key
from swanilai.paths import INFRA_DIR

SITE_ORIGIN = {"Fn::Sub": "https://${SiteDistribution.DomainName}"}
UPLOAD_ORIGIN = "https://swanilai-submissionsbucket-1a2b3c4d5e6f.s3.ap-southeast-3.amazonaws.com"


@pytest.fixture(scope="module")
def template() -> dict:
    return publish.load_template(INFRA_DIR / "template.yaml")


def bucket(template: dict) -> dict:
    return template["Resources"]["SubmissionsBucket"]["Properties"]


def test_the_bucket_takes_posts_from_the_sites_origin_only(template):
    assert bucket(template)["CorsConfiguration"] == {
        "CorsRules": [
            {
                "Id": "evidence-uploads-from-the-site",
                "AllowedOrigins": [SITE_ORIGIN],
                "AllowedMethods": ["POST"],
                "MaxAge": 3600,
            }
        ]
    }
    # The same origin the API allows: one site, one origin.
    api = template["Resources"]["SubmissionApi"]["Properties"]["CorsConfiguration"]
    assert api["AllowOrigins"] == [SITE_ORIGIN]


def test_abandoned_uploads_expire_after_two_days_in_a_rule_of_their_own(template):
    rules = {rule["Id"]: rule for rule in bucket(template)["LifecycleConfiguration"]["Rules"]}
    assert rules["expire-abandoned-uploads"] == {
        "Id": "expire-abandoned-uploads",
        "Status": "Enabled",
        "Prefix": "incoming/",
        "ExpirationInDays": 2,
        # The bucket is versioned: the expired bytes become a noncurrent version, gone a day later.
        "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
    }
    # The rule covers exactly the keys tickets admit, and never a filed file.
    assert incoming_key("9a1b2c3d-4e5f-4a6b-8c7d-000000000001", "ab" * 32).startswith("incoming/")
    assert not evidence_key("konsultasi", "9a1b2c3d-4e5f-4a6b-8c7d-000000000001", "ab" * 32, "pdf").startswith(
        "incoming/"
    )
    # Any other rule that expires current objects (retention, issue 14) names its own prefix.
    others = [r for r in rules.values() if r["Id"] != "expire-abandoned-uploads" and "ExpirationInDays" in r]
    assert [r["Id"] for r in others if not r.get("Prefix") or r["Prefix"].startswith("incoming/")] == []
    # Two days outlast any ticket: a file uploaded just before its ticket expired is still there.
    assert f.UPLOAD_TICKET_SECONDS < 2 * 86400


def test_the_bucket_is_private_and_no_distribution_serves_it(template):
    assert all(bucket(template)["PublicAccessBlockConfiguration"].values())
    policy = template["Resources"]["SubmissionsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert [s["Sid"] for s in policy if s["Effect"] == "Allow"] == []
    origins = [
        (name, origin["DomainName"])
        for name, spec in template["Resources"].items()
        if spec["Type"] == "AWS::CloudFront::Distribution"
        for origin in spec["Properties"]["DistributionConfig"]["Origins"]
    ]
    assert origins == [
        ("ApiDistribution", {"Fn::Sub": "${SubmissionApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}),
        ("SiteDistribution", {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]}),
    ]
    for _, spec in (i for i in template["Resources"].items() if i[1]["Type"] == "AWS::CloudFront::Distribution"):
        assert "CacheBehaviors" not in spec["Properties"]["DistributionConfig"]


def test_malware_protection_is_off_by_default_and_scans_incoming_only(template):
    parameter = template["Parameters"]["MalwareProtection"]
    assert (parameter["Default"], parameter["AllowedValues"]) == ("Disabled", ["Enabled", "Disabled"])
    assert template["Conditions"]["HasMalwareProtection"] == {"Fn::Equals": [{"Ref": "MalwareProtection"}, "Enabled"]}
    plan = template["Resources"]["MalwareProtectionPlan"]
    assert plan["Condition"] == "HasMalwareProtection"
    assert plan["Properties"] == {
        "Role": {"Fn::GetAtt": ["MalwareProtectionRole", "Arn"]},
        "ProtectedResource": {
            "S3Bucket": {"BucketName": {"Ref": "SubmissionsBucket"}, "ObjectPrefixes": ["incoming/"]}
        },
        "Actions": {"Tagging": {"Status": "ENABLED"}},
    }
    role = template["Resources"]["MalwareProtectionRole"]
    assert role["Condition"] == "HasMalwareProtection"
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "malware-protection-plan.guardduty.amazonaws.com"}
    # GuardDuty hears of uploads through EventBridge, which the bucket has on already.
    assert bucket(template)["NotificationConfiguration"]["EventBridgeConfiguration"] == {"EventBridgeEnabled": True}
    # The tag GuardDuty writes is the one the bucket policy refuses reads on.
    (deny,) = [
        s
        for s in template["Resources"]["SubmissionsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
        if s["Sid"] == "DenyReadingInfectedUploads"
    ]
    assert deny["Condition"] == {"StringEquals": {"s3:ExistingObjectTag/GuardDutyMalwareScanStatus": "THREATS_FOUND"}}


def test_upload_tickets_have_their_own_throttle(template):
    api = template["Resources"]["SubmissionApi"]["Properties"]
    assert api["RouteSettings"]["POST /uploads"] == {
        "ThrottlingRateLimit": {"Ref": "ApiUploadRateLimit"},
        "ThrottlingBurstLimit": {"Ref": "ApiUploadBurstLimit"},
    }
    event = template["Resources"]["SubmitFunction"]["Properties"]["Events"]["Uploads"]["Properties"]
    assert (event["Method"], event["Path"]) == ("POST", "/uploads")
    parameters = template["Parameters"]
    # About ten files a candidate: room for more tickets than submissions, within the same order.
    assert parameters["ApiUploadRateLimit"]["Default"] >= parameters["ApiRateLimit"]["Default"]
    assert parameters["ApiUploadBurstLimit"]["Default"] >= parameters["ApiBurstLimit"]["Default"]


@pytest.mark.parametrize(
    "parameters, connect",
    [({}, "'self'"), ({"UploadOrigin": UPLOAD_ORIGIN}, f"'self' {UPLOAD_ORIGIN}")],
    ids=["first-deploy", "with-the-buckets-origin"],
)
def test_the_pages_may_post_files_to_the_bucket_once_its_origin_is_known(template, parameters, connect):
    csp = dict(part.split(" ", 1) for part in publish.site_csp(parameters, template).split("; "))
    assert csp["connect-src"] == connect
    assert template["Outputs"]["UploadOrigin"]["Value"] == {
        "Fn::Sub": "https://${SubmissionsBucket.RegionalDomainName}"
    }


@pytest.mark.parametrize(
    "value, allowed",
    [
        (UPLOAD_ORIGIN, True),
        ("", True),
        ("https://evil.example", False),
        ("http://b.s3.ap-southeast-3.amazonaws.com", False),
        (UPLOAD_ORIGIN + "; script-src *", False),
    ],
    ids=["bucket-origin", "empty", "another-host", "plain-http", "injection"],
)
def test_the_upload_origin_parameter_takes_a_bucket_origin_only(template, value, allowed):
    assert (re.fullmatch(template["Parameters"]["UploadOrigin"]["AllowedPattern"], value) is not None) == allowed

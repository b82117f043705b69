"""Retention: one parameter (RetentionYears) becomes exact lifecycle rules on a candidate's data, current and noncurrent."""

from __future__ import annotations

import pytest
from support.infra import publish

from swanilai.assessor.retention import retention_days
from swanilai.paths import INFRA_DIR
from swanilai.privacy import RETENTION_YEARS, load_notice


@pytest.fixture(scope="module")
def app() -> dict:
    return publish.load_template(INFRA_DIR / "template.yaml")


def retention_rule(prefix: str) -> dict:
    return {
        "Id": f"retention-{prefix}",
        "Status": "Enabled",
        "Prefix": f"{prefix}/",
        "ExpirationInDays": {"Fn::FindInMap": ["RetentionDays", {"Ref": "RetentionYears"}, "Days"]},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
    }


def test_records_reviews_and_evidence_expire_after_the_retention_in_every_version(app):
    rules = app["Resources"]["SubmissionsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    retention = [rule for rule in rules if rule["Id"].startswith("retention-")]
    assert retention == [retention_rule("submissions"), retention_rule("reviews"), retention_rule("evidence")]
    # Delete markers left behind once the noncurrent versions are gone are cleaned up by the bucket-wide rule.
    (whole,) = [rule for rule in rules if rule["Id"] == "expire-old-versions"]
    assert whole["ExpiredObjectDeleteMarker"] is True and "Prefix" not in whole


def test_the_retention_rules_never_touch_the_erasure_log_or_the_access_logs(app):
    rules = app["Resources"]["SubmissionsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    prefixes = [rule.get("Prefix") for rule in rules if "ExpirationInDays" in rule]
    assert not any(prefix and prefix.startswith("erasures") for prefix in prefixes)


def test_every_allowed_number_of_years_maps_to_whole_days_never_short_of_a_calendar_year(app):
    parameter = app["Parameters"]["RetentionYears"]
    years = list(range(RETENTION_YEARS[0], RETENTION_YEARS[1] + 1))
    assert parameter["AllowedValues"] == [str(n) for n in years]  # the notice's bounds (swanilai/privacy.py)
    assert parameter["Default"] == "5"
    # The local sweep's rule (assessor.py retention), the same days for the same years.
    assert app["Mappings"]["RetentionDays"] == {str(n): {"Days": retention_days(n)} for n in years}


def test_packaging_deploys_the_number_of_years_the_privacy_notice_states():
    assert publish.retention_parameters() == {"RetentionYears": str(load_notice().retention_years)}

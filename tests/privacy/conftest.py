"""Fixtures of the personal-data tests: the scenario of support/privacy.py on moto's versioned S3 or a directory."""

from __future__ import annotations

import pytest
from support.api import Clock
from support.desk import table_from_template
from support.privacy import NOW, TABLE, send_chain

from handler import app, desk, erasure
from handler.index import DynamoIndex, SqliteIndex
from handler.store import LocalStore, S3Store


@pytest.fixture
def s3_chain(s3, bucket, catalog_dir, seed):
    """The chain on moto's S3, versioning on, with the desk's DynamoDB table as the template declares it."""
    import boto3

    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    dynamodb = boto3.client("dynamodb", region_name="ap-southeast-3")
    table_from_template(dynamodb, TABLE)
    store = S3Store(bucket, denied_means_missing=True)
    chain = send_chain(store, DynamoIndex(TABLE, client=dynamodb), catalog_dir, seed, Clock(NOW))
    chain.s3, chain.bucket = s3, bucket
    yield chain
    for module in (app, desk, erasure):
        module.configure(None)


@pytest.fixture
def local_chain(tmp_path, catalog_dir, seed):
    index = SqliteIndex(tmp_path / "index.sqlite3")
    chain = send_chain(LocalStore(tmp_path / "var"), index, catalog_dir, seed, Clock(NOW))
    yield chain
    for module in (app, desk, erasure):
        module.configure(None)
    index.close()

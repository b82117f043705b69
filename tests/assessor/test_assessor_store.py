"""The store methods pull relies on, alike for a directory and a bucket: children() and list() by any prefix."""

from __future__ import annotations

import pytest

from handler.store import LocalStore, S3Store

KEYS = [
    "submissions/a/2026/11/23/1.json",
    "submissions/a/2026/11/24/2.json",
    "submissions/a/by-id/1.json",
    "submissions/b/2026/12/01/3.json",
    "reviews/a/0abc/t1.json",
    "reviews/a/0abd/t2.json",
    "reviews/a/1abc/t3.json",
]


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        store = LocalStore(tmp_path)
    else:
        s3 = request.getfixturevalue("s3")
        store = S3Store(request.getfixturevalue("bucket"), "lsp/prefix", client=s3)
    for key in KEYS:
        store.create(key, b"{}")
    return store


@pytest.mark.parametrize(
    "prefix, expected",
    [
        ("submissions/", ["submissions/a/", "submissions/b/"]),
        ("submissions/a/", ["submissions/a/2026/", "submissions/a/by-id/"]),
        ("submissions/a/2026/11/", ["submissions/a/2026/11/23/", "submissions/a/2026/11/24/"]),
        ("submissions/a/2026/11/23/", []),
        ("uploads/", []),
    ],
    ids=["schemes", "years-and-markers", "days", "leaf", "missing"],
)
def test_children_are_the_folders_right_under_a_prefix(store, prefix, expected):
    assert store.children(prefix) == expected


@pytest.mark.parametrize(
    "prefix, expected",
    [
        ("reviews/a/0", ["reviews/a/0abc/t1.json", "reviews/a/0abd/t2.json"]),
        ("reviews/a/0abc", ["reviews/a/0abc/t1.json"]),
        ("submissions/a/2026/11/24/", ["submissions/a/2026/11/24/2.json"]),
        ("reviews/b/", []),
    ],
    ids=["slice-of-folders", "one-folder", "a-day", "nothing"],
)
def test_list_returns_exactly_the_keys_with_the_prefix(store, prefix, expected):
    assert [obj.key for obj in store.list(prefix)] == expected

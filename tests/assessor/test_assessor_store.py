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


ID = "5b8e9a52-3d5a-4c8e-9a0e-2f1c7c1d9b11"
KEYS_READ = [
    ("record", f"submissions/s/2026/11/23/{ID}.json", "record"),
    ("record-name-ends-in-a-newline", f"submissions/s/2026/11/23/{ID}.json\n", None),
    ("record-on-no-such-day", f"submissions/s/2026/02/30/{ID}.json", None),
    ("record-id-not-a-uuid", "submissions/s/2026/11/23/../../x.json", None),
    ("record-scheme-too-long", f"submissions/{'s' * 65}/2026/11/23/{ID}.json", None),
    ("by-id-marker", f"submissions/s/by-id/{ID}.marker", None),
    ("review", f"reviews/s/{ID}/20261124T010203.456Z.json", "review"),
    # Swanilai 0.1 wrote reviews under microsecond keys: read (never written), so none is lost.
    ("review-by-swanilai-0.1-in-microseconds", f"reviews/s/{ID}/20261124T010203.456789Z.json", "review"),
    ("review-time-in-tenths", f"reviews/s/{ID}/20261124T010203.4Z.json", None),
    ("review-time-free-text", f"reviews/s/{ID}/zz-terbaru.json", None),
    ("review-time-too-long", f"reviews/s/{ID}/{'9' * 300}.json", None),
    ("review-at-no-such-time", f"reviews/s/{ID}/20261124T250203.456Z.json", None),
    ("review-name-ends-in-a-newline", f"reviews/s/{ID}/20261124T010203.456Z.json\n", None),
]


@pytest.mark.parametrize("key, kind", [row[1:] for row in KEYS_READ], ids=[row[0] for row in KEYS_READ])
def test_a_key_is_a_record_or_review_only_in_exactly_its_format(key, kind):
    from handler.store import parse_record_key, parse_review_key

    assert (parse_record_key(key) is not None, parse_review_key(key) is not None) == (
        kind == "record",
        kind == "review",
    )


def test_a_local_store_never_follows_a_link(tmp_path):
    outside = tmp_path / "outside"
    (outside / "day").mkdir(parents=True)
    (outside / "secret.json").write_bytes(b"rahasia")
    (outside / "day" / "2.json").write_bytes(b"rahasia")
    store = LocalStore(tmp_path / "store")
    store.create("submissions/a/2026/11/23/1.json", b"{}")
    (store.root / "submissions/a/2026/11/23/linked.json").symlink_to(outside / "secret.json")
    (store.root / "submissions/a/2026/11/24").symlink_to(outside / "day", target_is_directory=True)
    assert [obj.key for obj in store.list("submissions/")] == ["submissions/a/2026/11/23/1.json"]
    assert [obj.key for obj in store.list("submissions/a/2026/11/24/")] == []
    assert store.children("submissions/a/2026/11/") == ["submissions/a/2026/11/23/"]
    assert store.get("submissions/a/2026/11/23/linked.json") is None
    assert store.get("submissions/a/2026/11/24/2.json") is None
    assert store.get("submissions/a/2026/11/23/1.json") == b"{}"


@pytest.mark.parametrize("limit, expected", [(2, b"{}"), (1, None)], ids=["within-the-limit", "over-the-limit"])
def test_get_refuses_an_object_over_the_readers_limit(store, limit, expected):
    from handler.store import TooLarge

    if expected is None:
        with pytest.raises(TooLarge) as caught:
            store.get("reviews/a/0abc/t1.json", max_bytes=limit)
        assert (caught.value.size, caught.value.limit) == (2, 1)
    else:
        assert store.get("reviews/a/0abc/t1.json", max_bytes=limit) == expected

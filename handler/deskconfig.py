"""What the desk and the indexer run with: the store, the index, the assessors' directory, a clock and a log.

In AWS it comes from the environment, read at first use and required: SUBMISSIONS_BUCKET,
INDEX_TABLE and (the desk only) USER_POOL_ID. Locally `build.py serve` builds a DeskConfig in code
(a LocalStore or S3, a SQLite index, its local directory of users) and hands it to
`handler.desk.configure` and `handler.indexer.configure`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from handler.config import ConfigurationError, utc_now, write_log_line
from handler.index import DynamoIndex, Index
from handler.store import Store, open_store


@dataclass(frozen=True)
class Invited:
    sub: str
    email: str
    name: str
    registration: str
    groups: tuple[str, ...]
    sign_in_link: str | None = None  # local mode only: the new user's one-time link


class AlreadyInvited(Exception):
    """An account with this email exists already."""


class DirectoryUnavailable(Exception):
    """The directory of accounts (Cognito) cannot be reached or refused the request."""

    def __init__(self, detail: str, code: str = "") -> None:
        super().__init__(detail)
        self.code = code


class Directory(Protocol):
    """Where assessors' accounts live: Cognito in AWS, the local users of `build.py serve`."""

    def invite(self, email: str, name: str, registration: str, groups: tuple[str, ...]) -> Invited: ...


class FileLinks(Protocol):
    """Short-lived links to evidence files: presigned GETs in AWS."""

    def link(self, key: str, filename: str, content_type: str, expires_in: int) -> str: ...


@dataclass(frozen=True)
class DeskConfig:
    store: Store
    index: Index
    directory: Directory | None = None
    files: FileLinks | None = None
    clock: Callable[[], datetime] = field(default=utc_now)
    log: Callable[[dict[str, Any]], None] = field(default=write_log_line)


class CognitoDirectory:
    """Invitations as Cognito does them: AdminCreateUser (Cognito emails a temporary password) and groups."""

    def __init__(self, user_pool_id: str, client: Any = None) -> None:
        self.user_pool_id = user_pool_id
        self._client = client
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import boto3

                    self._client = boto3.client("cognito-idp")
        return self._client

    def invite(self, email: str, name: str, registration: str, groups: tuple[str, ...]) -> Invited:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "name", "Value": name},
                    {"Name": "custom:registration", "Value": registration},
                ],
                DesiredDeliveryMediums=["EMAIL"],
            )
            user = answer["User"]
            for group in groups:
                self.client.admin_add_user_to_group(
                    UserPoolId=self.user_pool_id, Username=user["Username"], GroupName=group
                )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "UsernameExistsException":
                raise AlreadyInvited(email) from None
            raise DirectoryUnavailable(f"Cognito {code}", code) from exc
        except BotoCoreError as exc:
            raise DirectoryUnavailable(type(exc).__name__, type(exc).__name__) from exc
        attributes = {item["Name"]: item["Value"] for item in user.get("Attributes", ())}
        return Invited(attributes.get("sub", user["Username"]), email, name, registration, groups)


class S3FileLinks:
    """Presigned GETs of evidence files from the submissions bucket."""

    def __init__(self, bucket: str, client: Any = None) -> None:
        self.bucket = bucket
        self._client = client

    def link(self, key: str, filename: str, content_type: str, expires_in: int) -> str:
        if self._client is None:
            from handler.store import s3_client

            self._client = s3_client()
        disposition = "attachment; filename*=UTF-8''" + _quoted(filename)
        return self._client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires_in,
        )


def _quoted(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename, safe="")


def desk_config_from_environment(with_directory: bool = True) -> DeskConfig:
    """The AWS configuration; a missing variable fails loudly, never falls back to a guess."""
    required = ["SUBMISSIONS_BUCKET", "INDEX_TABLE"] + (["USER_POOL_ID"] if with_directory else [])
    missing = [name for name in required if not os.environ.get(name, "").strip()]
    if missing:
        raise ConfigurationError(
            f"environment variable(s) {', '.join(missing)} not set: the deployment template must set "
            f"{', '.join(required)}"
        )
    bucket = os.environ["SUBMISSIONS_BUCKET"].strip()
    return DeskConfig(
        store=open_store(f"s3://{bucket}", denied_means_missing=True),
        index=DynamoIndex(os.environ["INDEX_TABLE"].strip()),
        directory=CognitoDirectory(os.environ["USER_POOL_ID"].strip()) if with_directory else None,
        files=S3FileLinks(bucket),
    )


class ConfigSlot:
    """One entry point's configuration: set in code (tests, the local server), else read once from the environment.

    `on_change` runs whenever the configuration is set in code (the desk forgets what it cached).
    """

    def __init__(self, with_directory: bool, on_change: Callable[[], None] | None = None) -> None:
        self._with_directory = with_directory
        self._on_change = on_change
        self._config: DeskConfig | None = None
        self._lock = threading.Lock()

    def set(self, config: DeskConfig | None) -> None:
        with self._lock:
            self._config = config
            if self._on_change is not None:
                self._on_change()

    def get(self) -> DeskConfig:
        if self._config is None:
            with self._lock:
                if self._config is None:
                    self._config = desk_config_from_environment(with_directory=self._with_directory)
        return self._config

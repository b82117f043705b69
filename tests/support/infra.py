"""What the infrastructure tests share: the repository's paths and the publishing module."""

from __future__ import annotations

from swanilai import publish  # noqa: F401 - the tests import it from here
from swanilai.paths import INFRA_DIR as INFRA  # noqa: F401
from swanilai.paths import ROOT  # noqa: F401

"""The assessors' commands' own error: raised deep, turned into one line at the command boundary."""

from __future__ import annotations


class AssessorError(Exception):
    """Something the assessor can fix; the message says what happened and what to run next."""

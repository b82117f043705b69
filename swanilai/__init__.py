"""Swanilai's code that never runs in AWS Lambda: scheme checking, the site build, the local server,
publishing, and the assessors' commands. The Lambda package is `handler/` (docs/ARCHITECTURE.md)."""

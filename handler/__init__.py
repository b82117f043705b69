"""Swanilai's shared core and the Lambda package: scheme model, catalog, validation, storage."""

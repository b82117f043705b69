"""The assessors' tools: pull submissions, list, render, export and review them (`assessor.py`)."""

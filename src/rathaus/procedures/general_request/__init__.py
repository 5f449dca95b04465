"""Allgemeines Anliegen: a general request to the town (subject, message, how to reply)."""

from . import procedure  # noqa: F401  (registers the procedure)

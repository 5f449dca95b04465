"""Allgemeines Anliegen: a general request to the town (subject, message, how to reply)."""

"""Procedures: one package per online service, each a plugin for the case engine.

A procedure subclasses ``rathaus.cases.plugin.Procedure``; ``settings.RATHAUS_PROCEDURES``
lists the installed ones (docs/case-engine.md).
"""

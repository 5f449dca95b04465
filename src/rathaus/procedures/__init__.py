"""Procedures: one package per online service, each a plugin for the case engine.

A procedure subclasses ``base.Procedure`` and registers itself in ``registry.procedure_registry``.
The built-in procedures are imported by ``registry.procedures_load()``.
"""

"""Programmatic repairs for what overlays cannot express well.

Each module exposes `normalize(document) -> list[str]`: it changes the document in place and
returns a few lines for the patch report. Its docstring names the upstream defect it fixes.
"""

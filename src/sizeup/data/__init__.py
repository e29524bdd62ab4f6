"""The data layer: file and HTTP-body formats, providers, ingestion and the embedded store.

Only :mod:`sizeup.app` (the use cases) opens the store; front ends never import this package.
"""

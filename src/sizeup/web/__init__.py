"""The local web dashboard and its JSON API (``sizeup serve``).

A front end on the application core (:mod:`sizeup.app`): every endpoint calls a use case and
answers from its result's ``to_dict()``; every page fetches that API and draws with Plotly
served from the installed package. Bound to 127.0.0.1 by default; see ``docs/web.md``.

Examples
--------
>>> from sizeup.web import create_app          # doctest: +SKIP
>>> app = create_app(StoreRef("./data"))        # doctest: +SKIP
"""

from __future__ import annotations

from sizeup.web._app import create_app

__all__ = ["create_app"]

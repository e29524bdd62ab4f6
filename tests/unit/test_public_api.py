from __future__ import annotations

import sizeup


def test_every_exported_name_resolves() -> None:
    assert sizeup.__all__ == sorted(sizeup.__all__)
    for name in sizeup.__all__:
        assert getattr(sizeup, name) is not None, name


def test_exceptions_form_one_tree() -> None:
    for name in sizeup.__all__:
        obj = getattr(sizeup, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, sizeup.SizeupError), name

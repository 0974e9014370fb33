"""The archive tests' successor: a demo vault, since the tests' archives are demo-signed (a
real vault refuses the demo certificate)."""

import pytest

from helpers.vaults import new_context


@pytest.fixture
def successor(tmp_path, clock):
    context, _ = new_context(tmp_path / "successeur", clock, demo=True)
    yield context
    context.lock()

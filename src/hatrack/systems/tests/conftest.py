"""Shared by the systems tests: each test starts with an empty cache, so the graph's head
counts, the leader's cached figures and the status page's per-client limit of one test
never leak into the next."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()

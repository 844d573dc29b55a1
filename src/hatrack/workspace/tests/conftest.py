import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboard caches its numbers and the layout the district name: start clean."""
    cache.clear()
    yield
    cache.clear()

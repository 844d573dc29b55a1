"""make_<thing>(**overrides) for account tests: quick rows without password hashing."""

import itertools

from hatrack.accounts.models import ApiToken, User
from hatrack.core.roles import Role

_seq = itertools.count(1)


def make_account(**overrides: object) -> User:
    """An account with an unusable password: fast to make in bulk (no hashing)."""
    n = next(_seq)
    values: dict[str, object] = {
        "username": f"account{n:04}",
        "email": f"account{n:04}@example.org",
        "role": Role.STAFF,
        "first_name": "Account",
        "last_name": f"Holder {n}",
        "password": "!unusable",
    }
    values.update(overrides)
    return User.objects.create(**values)


def make_token(user: User, name: str = "SIS sync", **overrides: object) -> ApiToken:
    key = ApiToken.new_key()
    values: dict[str, object] = {
        "user": user,
        "name": name,
        "prefix": key[: ApiToken.PREFIX_LENGTH],
        "key_hash": ApiToken.hash_key(key),
    }
    values.update(overrides)
    return ApiToken.objects.create(**values)

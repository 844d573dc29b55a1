"""Mail nobody has seen before: the corpus cut short, bytes flipped, headers doubled and
garbage appended, with a fixed seed. Every variant gets exactly one recorded outcome;
intake never raises for anything in a message. (That automatic mail is never answered
is checked on the corpus itself, in test_mail_corpus.py.)"""

import random

import pytest

from hatrack.servicedesk.mail.intake import Delivery, ingest
from hatrack.servicedesk.models import InboundMail
from hatrack.servicedesk.tests.mail_world import (
    MAX_ATTACHMENT_BYTES,
    MAX_MESSAGE_BYTES,
    corpus,
    make_mail_world,
)

SEED = 20261123
VARIANTS_PER_MESSAGE = 4


def mutate(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    how = rng.randrange(6)
    if how == 0 and data:  # cut short anywhere, even inside a header or a MIME boundary
        return bytes(data[: rng.randrange(len(data))])
    if how == 1:  # flip bytes, including into NULs and high-bit garbage
        for _ in range(rng.randrange(1, 40)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if how == 2:  # every header twice, the second time with a broken encoded word
        head, _, body = raw.partition(b"\n\n")
        return head + b"\n" + head.replace(b": ", b": =?x-bogus?Q?=ZZ?= ") + b"\n\n" + body
    if how == 3:  # binary noise after the headers
        head, _, _ = raw.partition(b"\n\n")
        return head + b"\n\n" + rng.randbytes(rng.randrange(1, 4000))
    if how == 4:  # lines of absurd length and bare carriage returns
        return raw.replace(b"\n", b"\r", rng.randrange(1, 20)) + b"A" * 200_000
    return rng.randbytes(rng.randrange(0, 2000))  # not mail at all


@pytest.fixture
def world(queue, settings):
    settings.HATRACK_MAIL_MAX_BYTES = MAX_MESSAGE_BYTES
    settings.HATRACK_ATTACHMENT_MAX_BYTES = MAX_ATTACHMENT_BYTES
    settings.HATRACK_MAIL_LOOP_LIMIT = 10_000
    settings.HATRACK_MAIL_THREAD_LOOP_LIMIT = 10_000
    return make_mail_world(queue)


def test_mangled_mail_never_crashes_intake_and_gets_one_outcome_each(world):
    rng = random.Random(SEED)
    variants = [
        mutate(path.read_bytes(), rng) for path in corpus() for _ in range(VARIANTS_PER_MESSAGE)
    ]
    keys = set()
    for raw in variants:
        result = ingest(raw, delivery=Delivery("pipe", world.queue))
        keys.add(result.mail.dedupe_key)
        assert result.mail.outcome in InboundMail.Outcome.values
    # Identical variants (the same bytes twice) are one message; all others have one row.
    assert InboundMail.objects.count() == len(keys)
    assert len(keys) > len(corpus()) * 2  # the variants really differ
    # The last-resort outcome for a bug in intake was never needed.
    assert not InboundMail.objects.filter(reason__contains="internal error").exists()

"""Reading mail: pure functions, no database."""

from __future__ import annotations

import random

from hatrack.servicedesk.mail.html import html_to_text, sanitize
from hatrack.servicedesk.mail.parse import dedupe_key_for, message_ids, parse_message
from hatrack.servicedesk.mail.text import decode_bytes, printable, trim_quoted
from hatrack.servicedesk.tests.mail_world import corpus


def test_every_corpus_message_parses_without_raising():
    for path in corpus():
        parse_message(path.read_bytes())


def test_random_bytes_never_make_the_parser_raise():
    rng = random.Random(20240901)
    for _ in range(200):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        parse_message(b"From: a@b.org\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" + raw)


def test_a_declared_charset_that_does_not_fit_the_bytes_is_not_trusted():
    assert decode_bytes("Noël".encode("latin-1"), "utf-8") == "Noël"


def test_valid_utf8_wins_over_a_wrong_legacy_declaration():
    assert decode_bytes("naïve".encode(), "koi8-r") == "naïve"


def test_printable_text_has_no_nul_or_smuggled_bytes():
    assert printable("a\x00b\udce9") == "abé"


def test_an_outlook_quote_block_is_trimmed():
    body = "Works now.\n\nFrom: Help <h@x>\nSent: Monday\nTo: me\nSubject: Re: x\n\nold"
    assert trim_quoted(body) == "Works now."


def test_a_message_that_is_only_quotes_is_kept_whole():
    assert trim_quoted("> everything\n> quoted") == "> everything\n> quoted"


def test_sanitized_html_keeps_no_scripts_handlers_or_javascript_links():
    html = '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:y()">l</a></p>'
    clean = sanitize(html)
    assert "script" not in clean
    assert "onclick" not in clean
    assert "javascript" not in clean


def test_html_becomes_text_with_paragraphs_and_link_targets():
    text = html_to_text('<p>One <b>two</b></p><p><a href="https://x.org">docs</a></p>')
    assert text == "One two\n\ndocs (https://x.org)"


def test_message_ids_are_read_without_brackets():
    assert message_ids("<a@b> <c@d>") == ["a@b", "c@d"]


def test_a_message_without_an_id_is_keyed_by_its_bytes():
    assert dedupe_key_for(b"x", "").startswith("sha256:")
    assert dedupe_key_for(b"x", "id@host") == "id@host"

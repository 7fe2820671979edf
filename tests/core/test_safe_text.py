"""The sanitising helper every printing of file text goes through."""

from __future__ import annotations

import datetime

from sim.core.safe_text import clip, printable, short_value


def test_printable_escapes_control_and_format_characters():
    assert printable("a\x1b[31mb\rc\x07d\u202ee\x9bf\x00") == (
        "a\\x1b[31mb\\x0dc\\x07d\\u202ee\\x9bf\\x00"
    )


def test_printable_keeps_ordinary_text_and_newlines_only_when_asked():
    text = "Pólya urn: λ × σ — “quoted”, 95 %"
    assert printable(text) == text
    assert printable("a\nb") == "a\\x0ab"
    assert printable("a\nb\tc", newlines=True) == "a\nb\\x09c"


def test_clip_says_how_much_it_left_out():
    assert clip("abcdef", 10) == "abcdef"
    assert clip("abcdef", 3) == "abc… (3 more characters)"


def test_short_value_is_an_escaped_shortened_repr():
    assert short_value("ok") == "'ok'"
    assert short_value("\x1b]0;x\x07") == "'\\x1b]0;x\\x07'"
    long = short_value("s" * 100)
    assert long.startswith("'sss") and long.endswith("… (62 more characters)")
    assert short_value(10**400) == "an integer of 401 digits"
    assert short_value(2**64) == "18446744073709551616"
    assert short_value(datetime.date(1979, 5, 27)) == "1979-05-27"
    assert short_value([1, 2]) == "[1, 2]"

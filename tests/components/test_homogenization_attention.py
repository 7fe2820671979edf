"""Choosing from a ranked list by known utility × rank^(−a): the vectorised choice is exact."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.components.homogenization.attention import attention_choice, attention_weights


def reference_choice(scores: np.ndarray, known: np.ndarray, exponent: float) -> np.ndarray:
    """One user at a time, straight from the definition."""
    picks = []
    for s, k in zip(scores, known, strict=True):
        shown = [i for i in range(s.size) if np.isfinite(s[i])]
        order = sorted(shown, key=lambda i: -s[i])  # distinct scores: no ties to break
        best, pick = -np.inf, -1
        for rank, item in enumerate(order, start=1):
            value = k[item] * rank**-exponent
            if np.isfinite(k[item]) and value > best:
                best, pick = value, item
        picks.append(pick)
    return np.array(picks)


def test_attention_weights() -> None:
    np.testing.assert_allclose(attention_weights(4, 0.8), [1, 2**-0.8, 3**-0.8, 4**-0.8])
    np.testing.assert_array_equal(attention_weights(3, 0.0), [1, 1, 1])
    with pytest.raises(ValueError):
        attention_weights(3, -1.0)


def test_a_hand_worked_list() -> None:
    # Ranked: item 2 (known 0.10), item 0 (0.20), item 1 (0.30).
    # Values: 0.10, 0.20·2^-0.8 = 0.1149, 0.30·3^-0.8 = 0.1246 → item 1 wins.
    scores = np.array([[0.5, 0.1, 0.9]])
    known = np.array([[0.20, 0.30, 0.10]])
    assert attention_choice(scores, known, 0.8).tolist() == [1]
    # Steeper attention (a = 2): 0.10, 0.05, 0.033 → the first item wins.
    assert attention_choice(scores, known, 2.0).tolist() == [2]


def test_consumed_items_keep_their_rank_and_hidden_items_are_not_shown() -> None:
    scores = np.array([[3.0, 2.0, 1.0, -np.inf]])
    known = np.array([[-np.inf, 0.10, 0.15, 9.0]])  # item 0 consumed, item 3 not shown
    # Item 0 still occupies rank 1: item 1 is worth 0.10·2^-0.8 = 0.0574 and item 2
    # 0.15·3^-0.8 = 0.0623, so item 2 (had item 0 left the list, item 1 would win: 0.10 >
    # 0.15·2^-0.8 = 0.0861). Item 3 is worth far more but is not shown.
    assert attention_choice(scores, known, 0.8).tolist() == [2]


def test_nothing_to_pick() -> None:
    scores = np.array([[1.0, 2.0], [-np.inf, -np.inf]])
    known = np.array([[-np.inf, -np.inf], [0.5, 0.5]])
    assert attention_choice(scores, known, 0.8).tolist() == [-1, -1]
    assert attention_choice(np.empty((0, 3)), np.empty((0, 3)), 0.8).shape == (0,)
    assert attention_choice(np.empty((2, 0)), np.empty((2, 0)), 0.8).tolist() == [-1, -1]
    with pytest.raises(ValueError):
        attention_choice(np.zeros((2, 3)), np.zeros((3, 2)), 0.8)
    with pytest.raises(ValueError, match="one value per row"):
        attention_choice(np.zeros((2, 3)), np.zeros((2, 3)), 0.8, np.zeros(3))


def _inputs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, float]:
    users = draw(st.integers(1, 12))
    items = draw(st.integers(1, 15))
    scores = draw(
        arrays(float, (users, items), elements=st.floats(0, 1), unique=True)
    )  # distinct scores: the ranking is unambiguous
    known = draw(arrays(float, (users, items), elements=st.floats(0, 1)))
    hidden = draw(arrays(bool, (users, items)))
    consumed = draw(arrays(bool, (users, items)))
    scores = np.where(hidden, -np.inf, scores)
    known = np.where(consumed, -np.inf, known)
    exponent = draw(st.sampled_from([0.0, 0.3, 0.8, 2.0]))
    return scores, known, exponent


@settings(max_examples=150)
@given(data=st.data())
def test_vectorised_choice_equals_the_definition(data: st.DataObject) -> None:
    scores, known, exponent = _inputs(data.draw)
    expected = reference_choice(scores, known, exponent)
    got = attention_choice(scores, known, exponent)
    # Passing the row maxima of `known` changes nothing.
    with_bound = attention_choice(scores, known, exponent, np.max(known, axis=1))
    np.testing.assert_array_equal(with_bound, got)
    # Equal values may tie between different items; then both picks are optimal.
    for row, (a, b) in enumerate(zip(got, expected, strict=True)):
        if a == b:
            continue
        order = np.argsort(-scores[row])
        rank = {int(item): r for r, item in enumerate(order, start=1)}
        assert a >= 0 and b >= 0
        va = known[row, a] * rank[a] ** -exponent
        vb = known[row, b] * rank[b] ** -exponent
        assert va == pytest.approx(vb, rel=1e-12)


def test_large_random_problem_matches_the_definition() -> None:
    rng = np.random.default_rng(0)
    scores = rng.random((300, 200))
    known = rng.random((300, 200)) ** 4  # heavy spread: many rows need the slow path
    known[rng.random(known.shape) < 0.3] = -np.inf
    for exponent in (0.0, 0.8):
        np.testing.assert_array_equal(
            attention_choice(scores, known, exponent), reference_choice(scores, known, exponent)
        )

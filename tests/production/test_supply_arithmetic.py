"""Whole-number consumption never loses or invents a card."""

from hypothesis import given
from hypothesis import strategies as st

from production.models import SupplyItem


@given(
    yield_per_unit=st.integers(min_value=1, max_value=2000),
    on_hand=st.integers(min_value=0, max_value=50),
    used_on_roll=st.integers(min_value=0, max_value=1999),
    data=st.data(),
)
def test_printing_n_cards_takes_exactly_n_cards_of_capacity(
    yield_per_unit, on_hand, used_on_roll, data
):
    used_on_roll = used_on_roll % yield_per_unit if on_hand else 0
    item = SupplyItem(
        on_hand=on_hand, yield_per_unit=yield_per_unit, cards_on_current_unit=used_on_roll
    )
    before = item.cards_available
    cards = data.draw(st.integers(min_value=0, max_value=before))
    units = item.use_for_cards(cards)
    assert item.cards_available == before - cards
    assert units == on_hand - item.on_hand >= 0
    assert 0 <= item.cards_on_current_unit < yield_per_unit
    assert item.on_hand > 0 or item.cards_on_current_unit == 0


def test_more_than_the_stock_is_an_error():
    item = SupplyItem(on_hand=1, yield_per_unit=500, cards_on_current_unit=499)
    try:
        item.use_for_cards(2)
    except ValueError:
        pass
    else:
        raise AssertionError("expected a refusal")
    assert (item.on_hand, item.cards_on_current_unit) == (1, 499)


def test_units_to_add_round_up():
    item = SupplyItem(on_hand=0, yield_per_unit=500)
    assert [item.units_for_cards(n) for n in (1, 500, 501)] == [1, 1, 2]

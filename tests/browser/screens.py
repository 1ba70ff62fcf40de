"""The screens' own records (`givingday.screens`), and what the browser tests assert on them."""

from givingday.screens import (
    falls_without_note,
    followed_within,
    last_shown,
    mislabelled,
    open_screens,
    raised_in_history,
    turn,
    turn_until_all_show,
    wait_until_all_show,
    with_errors,
)

__all__ = ["assert_no_error_and_own_figures", "falls_without_note", "followed_within", "last_shown", "open_screens",
           "raised_in_history", "turn", "turn_until_all_show", "wait_until_all_show"]


def assert_no_error_and_own_figures(name: str, seen: list[dict], raised_by_version: dict[int, int]) -> None:
    """No error element was ever up, and every figure shown was its version's own total (a
    stale overview says so, with its own older version)."""
    assert not with_errors(seen), (name, with_errors(seen)[:3])
    assert all(int(s["version"]) in raised_by_version for s in seen), (name, seen[-3:])
    assert not mislabelled(seen, raised_by_version), (name, mislabelled(seen, raised_by_version)[:3])
    assert not falls_without_note(seen, raised_by_version), (name, falls_without_note(seen, raised_by_version)[:3])

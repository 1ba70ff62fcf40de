"""The chart and map memo's keys: a version's query result is named by where it was read,
anything else by its rows."""

import polars as pl

from givingday.ui import memo


def test_a_query_results_fingerprint_is_where_it_was_read_and_anything_else_its_rows():
    rows = pl.DataFrame({"project_id": ["P1", "P2"], "raised_fen": [100, 200]})
    source = ("/warehouse", 3, "board_projects", (("category", "education"),))
    first, second = (memo.named(rows.clone(), source) for _ in range(2))  # two viewers' handles
    assert memo.fingerprint(first) == memo.fingerprint(second) == ("named", source)
    assert memo.fingerprint(memo.named(rows.clone(), ("/warehouse", 4, *source[2:]))) != memo.fingerprint(first)
    derived = first.head(1)  # a page's own cut of a result: known by its rows
    assert memo.fingerprint(derived) == memo.fingerprint(rows.head(1)) != memo.fingerprint(rows)


def test_a_memoized_frame_is_built_once_and_each_caller_gets_a_handle_named_by_its_key():
    built = []

    @memo.memoized
    def top(board: pl.DataFrame, count: int) -> pl.DataFrame:
        built.append(count)
        return board.head(count)

    rows, source = pl.DataFrame({"raised_fen": [3, 2, 1]}), ("/warehouse", 7, "board_projects", ())
    first, second = (top(memo.named(rows.clone(), source), 2) for _ in range(2))  # two viewers' reads
    assert built == [2] and first is not second and first.equals(second)
    assert memo.fingerprint(first) == memo.fingerprint(second) and memo.fingerprint(first)[0] == "named"

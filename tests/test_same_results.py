"""The load gives the recorded results, row for row, on the samples and the hostile corpus.

Run once as every task runs (validation in this process) and once with batches split into
chunks on two validation workers, the path large quarters take.
"""

from __future__ import annotations

import pytest

from tests.support.recorded_results import NAMES, read_recorded, results, run_chain, write_corpus

SHOWN_DIFFERENCES = 10


def differences(expected: list[list[str]], found: list[list[str]]) -> str:
    if expected[:1] != found[:1]:
        return f"columns differ: recorded {expected[:1]}, now {found[:1]}"
    missing = sorted(set(map(tuple, expected[1:])) - set(map(tuple, found[1:])))
    extra = sorted(set(map(tuple, found[1:])) - set(map(tuple, expected[1:])))
    lines = [f"{len(expected) - 1} rows recorded, {len(found) - 1} now; columns {expected[0] if expected else []}"]
    lines += [f"  recorded only: {row}" for row in missing[:SHOWN_DIFFERENCES]]
    lines += [f"  now only:      {row}" for row in extra[:SHOWN_DIFFERENCES]]
    return "\n".join(lines)


CHUNKED = {"MONEV_VALIDATION_CHUNK_ROWS": "150", "MONEV_VALIDATION_WORKERS": "2"}


@pytest.mark.parametrize("validation", [{}, CHUNKED], ids=["serial", "chunked"])
def test_the_load_gives_the_recorded_results(validation, data_root, monkeypatch):
    for name, value in validation.items():
        monkeypatch.setenv(name, value)
    write_corpus(data_root)
    run_chain(data_root)
    found = results(data_root)
    for name in NAMES:
        expected = read_recorded(name)
        assert found[name] == expected, f"{name}: {differences(expected, found[name])}"

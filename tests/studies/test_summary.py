"""The summary's verdict rules (studies._summary)."""

import pytest

from ncgain.studies import _summary


@pytest.mark.parametrize("rule, paper, ncgain, expected", [
    ("relative", 106.0, 100.0, "reproduced"),      # 6 % <= 15 %
    ("relative", 5.0, 3.0, "partly"),              # 40 % <= 45 %
    ("relative", 5.0, 1.2, "not reproduced"),      # 76 %
    ("relative", 2.0, float("inf"), "not reproduced"),
    ("absolute", 2.0, 1.75, "reproduced"),
    ("absolute", 2.0, 1.3, "partly"),
    ("absolute", 2.0, 1.04, "not reproduced"),
])
def test_verdict_rules(rule, paper, ncgain, expected):
    v = _summary.verdict(rule, paper, ncgain)
    assert v["verdict"] == expected
    assert v["tol"] == _summary.RULES[rule]


def test_claims_of_missing_studies_are_left_out():
    assert _summary.claims({}) == {}

import pytest

from pipelines.indicators.skm import grade_of, ikm, krejcie_morgan

WORKED_TOTALS = [105, 101, 100, 116, 102, 105, 106, 105, 115]


def test_ikm_uses_exact_weights_on_the_worked_example():
    result = ikm(WORKED_TOTALS, respondents=29)
    assert result.converted == 91.48
    assert result.grade == "A"
    assert result.element_nrr[3] == pytest.approx(116 / 29)


def test_ikm_with_the_regulations_rounded_weight():
    assert ikm(WORKED_TOTALS, respondents=29, weight_mode="0.111").converted == 91.38


def test_perfect_answers_reach_100_only_with_exact_weights():
    perfect = [4 * 10] * 9
    assert ikm(perfect, 10).converted == 100.0
    assert ikm(perfect, 10, "0.111").converted == 99.9


@pytest.mark.parametrize(
    ("converted", "grade"),
    [(100.0, "A"), (88.31, "A"), (88.30, "B"), (76.61, "B"), (76.60, "C"), (65.00, "C"), (64.99, "D"), (25.0, "D")],
)
def test_grade_boundaries(converted, grade):
    assert grade_of(converted)[0] == grade


@pytest.mark.parametrize(("population", "sample"), [(100, 80), (1_000, 278), (10_000, 370), (0, 0)])
def test_krejcie_morgan_minimum_sample(population, sample):
    assert krejcie_morgan(population) == sample


def test_ikm_refuses_wrong_shapes():
    with pytest.raises(ValueError, match="9 elements"):
        ikm([1, 2, 3], 1)
    with pytest.raises(ValueError, match="at least one respondent"):
        ikm(WORKED_TOTALS, 0)

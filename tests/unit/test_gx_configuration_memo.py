"""Each expectation builds its GX configuration once per validation run: the results are GX's own, unchanged."""

from __future__ import annotations

from pipelines.quality.gx_runner import RESULT_FORMAT, _gx_friendly, _run, _validation_definition
from tests.unit.test_suites import PARAMETERS
from tests.unit.test_validation_chunks import many_service_rows


def test_a_run_with_each_configuration_built_once_equals_gxs_plain_run():
    from great_expectations.validator.v1_validator import Validator

    definition = _validation_definition("service_log")
    frame = _gx_friendly("service_log", many_service_rows())
    memoised = _run(definition, frame, PARAMETERS)
    plain = Validator(
        batch_definition=definition.batch_definition, batch_parameters={"dataframe": frame}, result_format=RESULT_FORMAT
    ).validate_expectation_suite(definition.suite, PARAMETERS)
    assert not plain.success, "the rows carry defects, so the comparison covers failing expectations too"
    assert [result.to_json_dict() for result in memoised.results] == [result.to_json_dict() for result in plain.results]

"""The datasets units deliver, one spec each (spec.py says what a spec holds).

Adding a dataset: a module here with its SPEC, listed below; its GX suite in expectations/<name>.json; its
header aliases (and any value vocabulary) in config/headers.yaml; its file-name patterns in config/units.yaml.
"""

from __future__ import annotations

from pipelines.datasets import action_plan, complaint_log, service_log, skm_response, zi_lke, zi_perception
from pipelines.datasets.spec import Column, DatasetSpec

DATASETS: dict[str, DatasetSpec] = {
    module.SPEC.name: module.SPEC
    for module in (service_log, skm_response, complaint_log, zi_perception, zi_lke, action_plan)
}
"""Every dataset, in the order stages and releases list them."""

__all__ = ["DATASETS", "Column", "DatasetSpec"]

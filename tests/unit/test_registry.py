from datetime import date
from pathlib import Path

import pytest

from pipelines.registry import RegistryError, load_registry, registry, unconfirmed_standards
from pipelines.settings import REPO_ROOT

ZI_UNITS = ["BID-WAS", "UPT-K3", "BID-PPKK", "UPT-BLK-SBY", "UPT-BLK-PSR", "UPT-BLK-MDN", "UPT-P2TK"]


def test_registry_lists_the_seven_zona_integritas_units():
    reg = registry()
    assert reg.unit_codes == ZI_UNITS
    assert reg.province.code == "35"
    assert all(unit.services for unit in reg.units)


def test_service_is_found_by_code_name_or_alias():
    p2tk = registry().unit("UPT-P2TK")
    assert p2tk.service_lookup["paspor pmi"].code == "P2TK-PASPOR"
    assert p2tk.service_lookup["p2tk paspor"].code == "P2TK-PASPOR"
    assert registry().unit("UPT-K3").service_lookup["mcu"].code == "K3-MCU"


def test_standard_in_force_follows_the_transaction_date():
    passport = registry().unit("UPT-P2TK").service_lookup["paspor pmi"]
    assert passport.standard_on(date(2023, 8, 29)).tariff == 55_000  # until the immigration circular
    assert passport.standard_on(date(2023, 8, 30)).tariff == 0


def test_zi_targets_are_the_announced_ones():
    targets = {unit.code: unit.zi_target for unit in registry().units}
    assert targets.pop("UPT-P2TK") == "WBBM"
    assert set(targets.values()) == {"WBK"}


def test_k3_tariffs_go_per_object_type_and_follow_the_2024_retribution_regulation():
    k3 = registry().unit("UPT-K3")
    riksa = [service for service in k3.services if service.code.startswith("K3-RIKSA-")]
    assert len(riksa) >= 5
    for service in riksa:
        assert [version.valid_from for version in service.standard] == [date(2021, 1, 1), date(2024, 1, 1)]


def test_penempatan_offers_provincial_services_only():
    services = registry().unit("BID-PPKK").service_lookup
    assert "ak 1" not in services and "kartu pencari kerja ak 1" not in services  # the AK/I card is a district's
    assert services["perpanjangan imta"].payments_not_judged  # its levy varies per case


def test_unconfirmed_standards_are_listed_and_confirmed_ones_are_not():
    listed = unconfirmed_standards(registry().units)
    assert "UPT-K3/K3-RIKSA-PUBT (sejak 2024-01-01)" in listed
    assert "UPT-P2TK/P2TK-PASPOR (sejak 2023-08-30)" not in listed


def test_dataset_is_recognised_from_the_file_name():
    reg = registry()
    assert reg.dataset_for_name("Rekap_LAYANAN_TW3.xlsx") == "service_log"
    assert reg.dataset_for_name("hasil skm juli.csv") == "skm_response"
    assert reg.dataset_for_name("data.csv") is None


def test_unknown_unit_names_the_known_ones():
    with pytest.raises(KeyError, match="UPT-P2TK"):
        registry().unit("UPT-XYZ")


def test_broken_registry_error_names_line_and_field(tmp_path: Path):
    good = (REPO_ROOT / "config" / "units.yaml").read_text()
    broken = good.replace(
        "{valid_from: 2021-01-01, sla_days: 2, tariff: 0, confirmed: false}",
        "{valid_from: 2021-01-01, sla_days: -2, tariff: 0, confirmed: false}",
    )
    path = tmp_path / "units.yaml"
    path.write_text(broken)
    line = next(number for number, text in enumerate(broken.splitlines(), start=1) if "sla_days: -2" in text)
    with pytest.raises(RegistryError) as error:
        load_registry(path)
    assert f"units.yaml:{line}:" in str(error.value)
    assert "standard.0.sla_days" in str(error.value)
    assert "greater than or equal to 0" in str(error.value)


def test_registry_rejects_a_unit_of_an_undeclared_agency(tmp_path: Path):
    good = (REPO_ROOT / "config" / "units.yaml").read_text()
    path = tmp_path / "units.yaml"
    path.write_text(
        good.replace(
            "agency: DISNAKERTRANS-JATIM\n    zi_target: WBK\n",
            "agency: DINKES-JATIM\n    zi_target: WBK\n",
            1,
        )
    )
    with pytest.raises(RegistryError, match="DINKES-JATIM"):
        load_registry(path)

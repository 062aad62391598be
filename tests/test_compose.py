"""The Docker stack's files, checked without Docker: docker-compose.yml, Dockerfile, .env.example.

docker-compose.yml is validated against the Compose Specification schema (vendored by check-jsonschema)
and held to the stack's rules: the official Airflow 3 layout on CeleryExecutor, one custom image, every
secret from .env through `${VAR:?…}`, the data root in the MinIO bucket, the catalog in its own database.
The catalog's PostgreSQL init script is run against a real server.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import importlib.resources
import json
import os
import re
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
import psycopg
import pyarrow.fs as pafs
import pytest
import yaml
from sqlalchemy.engine import make_url

from pipelines.registry import registry
from tests.support.postgres_server import postgres_server

REPO = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
ENV_EXAMPLE = REPO / ".env.example"
REQUIREMENTS = REPO / "requirements.txt"
CATALOG_INIT_SCRIPT = REPO / "docker" / "postgres-init" / "10-monev-catalog.sh"
DOCKERIGNORE = REPO / ".dockerignore"

AIRFLOW_IMAGE = "apache/airflow:3.3.2-python3.11"
BUCKET = "monev"
PLANNED_UNITS = 4_000
REQUIRED_SERVICES = {
    "postgres",
    "redis",
    "minio",
    "minio-init",
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "storage-identities",
    "portal",
}
LONG_RUNNING_SERVICES = sorted(REQUIRED_SERVICES - {"minio-init", "airflow-init", "storage-identities"})
SHARED_AIRFLOW_SECRETS = ["AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY"]
PDF_PACKAGES = ["libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"]

SECRET_NAME = re.compile(r"PASSWORD|SECRET|KEY|TOKEN")
REFERENCE = re.compile(r"\$\{[^}]*\}")
"""A `${…}` interpolation; `$${…}` is an escaped dollar for the container's shell, not one."""
VARIABLE = re.compile(r"(?<!\$)\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<operator>:?[-?+])?")
URL_CREDENTIALS = re.compile(r"://(?P<user>[^:/@\s]+):(?P<password>[^@\s]*)@")
PLACEHOLDER = re.compile(r"^(|change-?me.*|<[^>]*>)$", re.IGNORECASE)


# --- reading the files -------------------------------------------------------------------------


@cache
def _compose_text() -> str:
    return COMPOSE_FILE.read_text()


def compose() -> dict[str, Any]:
    """docker-compose.yml with its anchors and merge keys resolved (a fresh copy each call)."""
    return yaml.safe_load(_compose_text())


@cache
def compose_schema() -> dict[str, Any]:
    schema = importlib.resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "compose-spec.json"
    return json.loads(schema.read_text())


def schema_errors(document: dict[str, Any]) -> list[str]:
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(top)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    ]


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def airflow_services() -> dict[str, dict[str, Any]]:
    return {name: service for name, service in services().items() if name.startswith("airflow-")}


def environment(service: dict[str, Any]) -> dict[str, Any]:
    """A service's environment as a mapping, whichever of the two forms the file uses."""
    value = service.get("environment") or {}
    if isinstance(value, list):
        return dict(entry.split("=", 1) if "=" in entry else (entry, None) for entry in value)
    return value


def environments() -> Iterator[tuple[str, str, Any]]:
    for service_name, service in services().items():
        for name, value in environment(service).items():
            yield service_name, name, value


def strings_in(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def is_reference(value: Any, variable: str | None = None) -> bool:
    """The whole value is one `${…}` interpolation (of `variable`, when given)."""
    if not isinstance(value, str) or not REFERENCE.fullmatch(value):
        return False
    return variable is None or VARIABLE.match(value)["name"] == variable


def required_variables() -> set[str]:
    """Variables docker-compose.yml refuses to start without: `${VAR:?…}` and `${VAR?…}`."""
    return {match["name"] for match in VARIABLE.finditer(_compose_text()) if (match["operator"] or "").endswith("?")}


def env_example() -> dict[str, str]:
    """`NAME=value` lines of .env.example; commented lines are documentation, not settings."""
    settings = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip().strip("'\"")
    return settings


def literal_url_passwords(text: str) -> list[str]:
    """Passwords written into `scheme://user:password@host` URLs, `${…}` references excepted."""
    masked = REFERENCE.sub("${}", text)
    return [match.group(0) for match in URL_CREDENTIALS.finditer(masked) if match["password"] not in ("", "${}")]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), " ".join(arguments.split())))
    return instructions


def dockerfile_arguments(keyword: str) -> list[str]:
    return [arguments for instruction, arguments in dockerfile_instructions() if instruction == keyword]


def pinned_airflow_version() -> str:
    pins = re.findall(r"^apache-airflow==(\S+)", REQUIREMENTS.read_text(), re.MULTILINE)
    assert len(pins) == 1, f"requirements.txt should pin apache-airflow once, found {pins}"
    return pins[0]


# --- the Compose Specification ---------------------------------------------------------------


def test_compose_file_follows_the_compose_specification() -> None:
    errors = schema_errors(compose())
    assert not errors, "docker-compose.yml breaks the Compose Specification:\n" + "\n".join(errors)


def test_schema_check_rejects_a_service_with_an_unknown_key() -> None:
    broken = copy.deepcopy(compose())
    broken["services"]["redis"]["restart_policy"] = "always"
    errors = schema_errors(broken)
    assert any("restart_policy" in error for error in errors), errors


# --- services and image ----------------------------------------------------------------------


def test_stack_defines_every_service() -> None:
    missing = REQUIRED_SERVICES - set(services())
    assert not missing, f"services missing from docker-compose.yml: {sorted(missing)}"


def test_every_airflow_service_runs_the_one_image_built_from_the_dockerfile() -> None:
    images = {name: (service.get("image"), service.get("build")) for name, service in airflow_services().items()}
    assert len(set(images.values())) == 1, images
    image, build = next(iter(images.values()))
    assert image and not image.startswith("apache/airflow"), f"a custom image name, not the stock one: {image}"
    assert build in (".", {"context": "."}), build


@pytest.mark.parametrize("service", LONG_RUNNING_SERVICES)
def test_long_running_service_has_a_healthcheck(service: str) -> None:
    healthcheck = services()[service].get("healthcheck") or {}
    assert healthcheck.get("test") and not healthcheck.get("disable"), f"{service} has no health check"


def test_airflow_runs_the_celery_executor() -> None:
    executors = {
        name: environment(service).get("AIRFLOW__CORE__EXECUTOR") for name, service in airflow_services().items()
    }
    assert set(executors.values()) == {"CeleryExecutor"}, executors


def test_example_dags_are_off() -> None:
    examples = {
        name: environment(service).get("AIRFLOW__CORE__LOAD_EXAMPLES") for name, service in airflow_services().items()
    }
    assert {str(value).lower() for value in examples.values()} == {"false"}, examples


def test_gx_analytics_is_off() -> None:
    analytics = {name: environment(service).get("GX_ANALYTICS_ENABLED") for name, service in airflow_services().items()}
    assert set(analytics.values()) == {"False"}, analytics


def test_nothing_is_pip_installed_when_a_container_starts() -> None:
    for path in (COMPOSE_FILE, DOCKERFILE, ENV_EXAMPLE):
        assert "_PIP_ADDITIONAL_REQUIREMENTS" not in path.read_text(), path.name


def test_every_third_party_image_is_pinned_to_a_tag() -> None:
    images = {name: service["image"] for name, service in services().items() if "build" not in service}
    unpinned = {name: image for name, image in images.items() if ":" not in image or image.endswith(":latest")}
    assert not unpinned, f"pin these images to a release tag: {unpinned}"


def test_mapped_task_limit_leaves_room_for_the_planned_units() -> None:
    """monev_ingest maps a pull per (unit, source); the platform is planned to reach 4,000 units."""
    limits = {
        name: int(environment(service).get("AIRFLOW__CORE__MAX_MAP_LENGTH", 1024))
        for name, service in airflow_services().items()
    }
    sources_per_unit = max(len(unit.sources) for unit in registry().units)
    assert min(limits.values()) >= PLANNED_UNITS * sources_per_unit, limits


# --- secrets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("setting", SHARED_AIRFLOW_SECRETS)
def test_airflow_services_share_one_secret_from_env(setting: str) -> None:
    values = {name: environment(service).get(setting) for name, service in airflow_services().items()}
    assert len(set(values.values())) == 1, f"{setting} differs between Airflow services: {values}"
    value = next(iter(values.values()))
    assert is_reference(value, setting) and setting in required_variables(), (
        f"{setting} should be required from .env as ${{{setting}:?…}}, not {value!r}"
    )


def test_secret_settings_are_env_references_never_literals() -> None:
    literals = [
        f"{service}: {name}={value!r}"
        for service, name, value in environments()
        if SECRET_NAME.search(name) and value is not None and not is_reference(value)
    ]
    assert not literals, "secrets written into docker-compose.yml:\n" + "\n".join(literals)


def test_no_url_in_the_compose_file_carries_a_literal_password() -> None:
    found = [password for text in strings_in(compose()) for password in literal_url_passwords(text)]
    assert not found, found


def test_env_example_defines_every_variable_the_stack_requires() -> None:
    missing = required_variables() - set(env_example())
    assert not missing, f".env.example lacks {sorted(missing)}"


def test_env_example_holds_no_real_secret() -> None:
    settings = env_example()
    filled = [name for name, value in settings.items() if SECRET_NAME.search(name) and not PLACEHOLDER.match(value)]
    assert not filled, f".env.example should leave these empty: {filled}"
    assert not literal_url_passwords("\n".join(settings.values()))


# --- data root, bucket and catalog -----------------------------------------------------------


def bucket_created_by_minio_init() -> str:
    script = " ".join(strings_in(services()["minio-init"].get("command")))
    created = re.search(r"mc mb --ignore-existing \S+/(\S+)", script)
    assert created, f"minio-init should create the bucket idempotently: {script!r}"
    return created.group(1)


@pytest.mark.parametrize("setting", ["MONEV_DATA_ROOT", "MONEV_PUBLISH_LOCATION"])
def test_location_is_in_the_bucket_minio_init_creates(setting: str) -> None:
    uri = environment(services()["airflow-worker"])[setting]
    filesystem, path = pafs.FileSystem.from_uri(uri)
    assert isinstance(filesystem, pafs.S3FileSystem)
    assert path.split("/")[0] == bucket_created_by_minio_init() == BUCKET
    assert parse_qs(urlsplit(uri).query)["endpoint_override"] == ["minio:9000"]


def test_airflow_services_wait_for_the_bucket() -> None:
    waits = {name: service["depends_on"].get("minio-init") for name, service in airflow_services().items()}
    assert all(wait == {"condition": "service_completed_successfully"} for wait in waits.values()), waits


def test_catalog_is_its_own_database_on_the_stack_postgresql() -> None:
    url = make_url(environment(services()["airflow-worker"])["MONEV_CATALOG_URL"])
    assert (url.drivername, url.username, url.host, url.database) == (
        "postgresql+psycopg",
        "monev",
        "postgres",
        "monev_catalog",
    )
    assert is_reference(url.password, "MONEV_CATALOG_PASSWORD")
    mounts = services()["postgres"]["volumes"]
    assert any(mount.startswith("./docker/postgres-init:/docker-entrypoint-initdb.d") for mount in mounts), mounts


def _scram_verifies(stored: str, password: str) -> bool:
    """Whether PostgreSQL's SCRAM-SHA-256 verifier was made from `password` (RFC 5802)."""
    method, rest = stored.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return method == "SCRAM-SHA-256" and base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key


def test_catalog_init_script_creates_the_catalog_database_and_its_role() -> None:
    password = "it's-a-catalog-password; DROP ROLE postgres"
    with postgres_server() as address:
        host, port = address.split(":")
        run_as_the_postgres_image = {
            **os.environ,
            "PGHOST": host,
            "PGPORT": port,
            "POSTGRES_USER": "postgres",
            "POSTGRES_DB": "postgres",
            "MONEV_CATALOG_PASSWORD": password,
        }
        subprocess.run(["bash", str(CATALOG_INIT_SCRIPT)], env=run_as_the_postgres_image, check=True, timeout=60)
        with psycopg.connect(f"postgresql://monev@{address}/monev_catalog", autocommit=True) as catalog:
            catalog.execute("CREATE TABLE received_file (file_id text PRIMARY KEY)")
        with psycopg.connect(f"postgresql://postgres@{address}/postgres") as admin:
            (stored,) = admin.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'monev'").fetchone()
    assert _scram_verifies(stored, password)


# --- the image -------------------------------------------------------------------------------


def test_image_is_the_official_airflow_image_at_the_pinned_version() -> None:
    assert dockerfile_arguments("FROM") == [AIRFLOW_IMAGE]
    assert AIRFLOW_IMAGE.split(":")[1].split("-")[0] == pinned_airflow_version()


def test_image_installs_the_requirements_with_airflow_held_at_its_version() -> None:
    installs = [run for run in dockerfile_arguments("RUN") if "-r /opt/monev/requirements.txt" in run]
    assert len(installs) == 1, dockerfile_arguments("RUN")
    assert '"apache-airflow==${AIRFLOW_VERSION}"' in installs[0]
    assert "-c /opt/monev/constraints.txt" in installs[0]


def test_image_has_the_pdf_libraries_and_runs_as_airflow() -> None:
    apt = " ".join(run for run in dockerfile_arguments("RUN") if "apt-get install" in run)
    assert all(package in apt.split() for package in PDF_PACKAGES), apt
    assert dockerfile_arguments("USER")[-1] == "airflow"


def test_image_carries_the_platform() -> None:
    copied = {arguments.split()[-2]: arguments.split()[-1] for arguments in dockerfile_arguments("COPY")}
    assert {folder: copied.get(folder) for folder in ("pipelines", "expectations", "config", "dags")} == {
        "pipelines": "/opt/monev/pipelines",
        "expectations": "/opt/monev/expectations",
        "config": "/opt/monev/config",
        "dags": "/opt/airflow/dags",
    }
    paths = environment(services()["airflow-worker"])
    assert (paths["MONEV_CONFIG_DIR"], paths["MONEV_EXPECTATIONS_DIR"]) == (
        "/opt/monev/config",
        "/opt/monev/expectations",
    )


def dockerignore_patterns() -> set[str]:
    lines = (line.strip() for line in DOCKERIGNORE.read_text().splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def test_build_context_leaves_out_local_state_and_secrets() -> None:
    left_out = {".env", ".git", ".venv", ".airflow", "data"} - dockerignore_patterns()
    assert not left_out, f".dockerignore should exclude {sorted(left_out)}"


def test_build_context_keeps_everything_the_image_copies() -> None:
    copied = {source for arguments in dockerfile_arguments("COPY") for source in arguments.split()[1:-1]}
    assert copied and not copied & dockerignore_patterns(), copied & dockerignore_patterns()


# --- object-storage identities and the portal ------------------------------------------------


def test_minio_root_pair_is_used_by_minio_and_its_set_up_job_only() -> None:
    users = {name for name, service in services().items()
             if any("MINIO_ROOT" in text for text in strings_in(service.get("environment")))}  # fmt: skip
    assert users == {"minio", "minio-init"}, users


def test_platform_services_use_the_platforms_own_identity() -> None:
    for name, service in {**airflow_services(), "portal": services()["portal"]}.items():
        settings = environment(service)
        assert is_reference(settings["AWS_ACCESS_KEY_ID"], "MONEV_S3_USER"), name
        assert is_reference(settings["AWS_SECRET_ACCESS_KEY"], "MONEV_S3_PASSWORD"), name


def test_the_portal_waits_for_its_identity_and_reaches_airflow_as_its_service_account() -> None:
    portal = services()["portal"]
    assert portal["depends_on"]["minio-init"] == {"condition": "service_completed_successfully"}
    settings = environment(portal)
    assert settings["MONEV_PORTAL_AIRFLOW_URL"] == "http://airflow-apiserver:8080"
    assert is_reference(settings["MONEV_PORTAL_AIRFLOW_PASSWORD"], "MONEV_PORTAL_AIRFLOW_PASSWORD")
    assert portal["ports"] == ["127.0.0.1:8090:8090"]
    init_script = " ".join(strings_in(services()["airflow-init"].get("command")))
    assert "airflow users create --role User" in init_script and "--username portal" in init_script


FAKE_MC = """#!/bin/sh
echo "$*" >> "$MC_LOG"
case "$*" in
  *"policy attach"*) grep -qx "attached $5 $7" "$MC_LOG" && { echo "policy already attached"; exit 1; }
                     echo "attached $5 $7" >> "$MC_LOG" ;;
esac
exit 0
"""


def test_minio_init_applies_the_identities_the_set_up_job_wrote(tmp_path) -> None:
    """minio-init's script, run twice by sh against a stand-in `mc` that records its calls: the policies, the
    platform's user and each unit's user with the key kept in the volume, and a second run that changes nothing."""
    from pipelines.storage_identities import write_identity_files

    identities = tmp_path / "identities"
    write_identity_files(identities, registry(), "s3://monev/data?endpoint_override=minio:9000&scheme=http")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "mc").write_text(FAKE_MC)
    (tmp_path / "bin" / "mc").chmod(0o755)
    service = services()["minio-init"]
    assert "storage-identities:/identities:ro" in service["volumes"]
    assert service["depends_on"]["storage-identities"] == {"condition": "service_completed_successfully"}
    script = service["command"][-1].replace("$$", "$").replace("/identities/", f"{identities}/")
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "MC_LOG": str(tmp_path / "mc.log"),
           "MINIO_ROOT_USER": "root", "MINIO_ROOT_PASSWORD": "root-secret",
           "MONEV_S3_USER": "monev-platform", "MONEV_S3_PASSWORD": "platform-secret"}  # fmt: skip
    for _ in range(2):
        run = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stdout + run.stderr
    calls = (tmp_path / "mc.log").read_text().splitlines()
    secret = (identities / "credentials" / "UPT-P2TK.env").read_text().split("AWS_SECRET_ACCESS_KEY=")[1].strip()
    assert f"admin user add monev unit-upt-p2tk {secret}" in calls
    assert "admin user add monev monev-platform platform-secret" in calls
    assert "admin policy attach monev monev-unit-upt-p2tk --user unit-upt-p2tk" in calls
    assert calls.count("admin policy attach monev monev-platform --user monev-platform") == 2
    assert calls.count("attached monev-platform monev-platform") == 1, "the second run found it attached"
    created = {call.split()[4] for call in calls if call.startswith("admin policy create")}
    assert created == {"monev-platform", "monev-unit-upt-p2tk"}

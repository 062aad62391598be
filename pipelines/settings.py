"""All configuration, read from environment variables in this one place.

Every knob has a safe default so that a fresh clone runs the embedded demo; production
overrides them in the environment (docker-compose, Airflow worker env).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMEZONE = "Asia/Jakarta"


@dataclass(frozen=True)
class Settings:
    data_root: str
    config_dir: Path
    expectations_dir: Path
    ikm_weight_mode: str
    max_failed_share: float
    catalog_url: str | None
    pseudonym_key: str | None
    validation_chunk_rows: int
    date_tolerance_days: int
    """How long after the quarter a completion or response date may fall (exports are made after quarter end)."""
    validation_workers: int
    units_per_task: int
    """Units one pull task and one load task take in turn, so a task process starts and imports once for all of them."""
    zi_scale_conversion: str
    """How a 1..6 perception answer becomes the 0..4 IPAK/IPKP scale (see indicators/perception.py)."""
    count_receipt_day: bool
    """Whether the day a request or complaint arrives is its first working day (default: counting starts the next)."""
    publish_deadline_days: int
    """Days after a quarter ends until which publishing waits for missing units (then marks them "belum lapor")."""
    max_quarantine_share: float
    """A unit with more of its quarter's rows quarantined than this is treated like a unit that has not reported."""
    alert_recipients: tuple[str, ...]
    """MONEV_ALERT_RECIPIENTS: the data team, told when a pull fails for good."""
    http_max_bytes: int
    """Largest response body an HTTP source may send (MONEV_HTTP_MAX_BYTES); a Connection's extra may lower it."""
    lock_wait_seconds: float
    """How long a run waits for another run of the same work (same unit, same quarter) to finish."""
    lock_stale_minutes: float
    """A lock held longer than this by a process on another host is taken to be left by a crash."""
    landing_quiet_seconds: float
    """A landing file changed more recently than this may still be being copied: the pull waits that long once."""
    max_file_bytes: int
    """Largest file taken from a landing folder; a larger one is rejected unread (it would be held in memory whole)."""
    max_xlsx_unpacked_bytes: int
    """Largest total a workbook's parts may unpack to; more is a zip bomb or a workbook to send as CSV."""
    ingest_schedule: str
    """Cron expression (Asia/Jakarta) of the ingest DAG."""
    retry_delay_seconds: float
    """First retry delay of tasks (exponential backoff after it)."""
    gate_retries: int
    gate_recheck_hours: float
    """Before the publish deadline the completeness gate fails and re-checks this often, this many times."""
    republish_interval_hours: float
    """A quarter's next version is sealed at least this long after the previous one; changes meanwhile wait."""
    publish_poke_seconds: float
    """How often a publish run waiting for fresh figures or for its release slot looks again."""

    @property
    def units_file(self) -> Path:
        return self.config_dir / "units.yaml"


def location_uri(location: str) -> str:
    """An object-storage URI as given; a local folder as an absolute path."""
    if "://" in location:
        return location.rstrip("/")
    return str(Path(location).expanduser().resolve())


def _data_root_from_env() -> str:
    return location_uri(os.environ.get("MONEV_DATA_ROOT", "./data"))


def _addresses(value: str) -> tuple[str, ...]:
    return tuple(address.strip() for address in value.split(",") if address.strip())


@dataclass(frozen=True)
class ReleaseTargets:
    recipients: tuple[str, ...]
    """Who receives each release: MONEV_REPORT_RECIPIENTS, else the list in config/release.yaml."""
    publish_location: str | None
    """Where each release is copied: MONEV_PUBLISH_LOCATION, else config/release.yaml; None: nowhere."""


def release_targets() -> ReleaseTargets:
    """Where a release goes. Read only when a release is delivered, not with every get_settings() call."""
    import yaml

    path = get_settings().config_dir / "release.yaml"
    configured = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or {}
    recipients = os.environ.get("MONEV_REPORT_RECIPIENTS")
    location = os.environ.get("MONEV_PUBLISH_LOCATION") or configured.get("publish_location")
    return ReleaseTargets(
        _addresses(recipients) if recipients is not None else tuple(configured.get("recipients") or ()),
        location_uri(location) if location else None,
    )


@dataclass(frozen=True)
class PortalSettings:
    airflow_url: str
    """MONEV_PORTAL_AIRFLOW_URL: Airflow's API server, where an upload triggers the ingest DAG for its unit."""
    airflow_user: str
    airflow_password: str | None
    """The portal's service account in Airflow (role `user`: it may trigger DAG runs, nothing more). No password:
    uploads wait for the next scheduled ingest run."""
    max_upload_bytes: int
    secure_cookies: bool
    """MONEV_PORTAL_SECURE_COOKIES: true behind HTTPS (production), so the session cookie is never sent in clear."""
    session_idle_minutes: float
    session_hours: float
    """A session ends after this long idle, and after this long whatever it does."""


def portal_settings() -> PortalSettings:
    """The unit portal's settings, read when the portal starts."""
    secure = os.environ.get("MONEV_PORTAL_SECURE_COOKIES", "false").strip().lower()
    if secure not in ("true", "false"):
        raise ValueError(f"MONEV_PORTAL_SECURE_COOKIES must be 'true' or 'false', not {secure!r}")
    return PortalSettings(
        airflow_url=os.environ.get("MONEV_PORTAL_AIRFLOW_URL", "http://127.0.0.1:8080").rstrip("/"),
        airflow_user=os.environ.get("MONEV_PORTAL_AIRFLOW_USER", "portal"),
        airflow_password=os.environ.get("MONEV_PORTAL_AIRFLOW_PASSWORD") or None,
        max_upload_bytes=min(
            int(os.environ.get("MONEV_PORTAL_MAX_UPLOAD_BYTES", 50_000_000)), get_settings().max_file_bytes
        ),
        secure_cookies=secure == "true",
        session_idle_minutes=float(os.environ.get("MONEV_PORTAL_SESSION_IDLE_MINUTES", "30")),
        session_hours=float(os.environ.get("MONEV_PORTAL_SESSION_HOURS", "12")),
    )


def get_settings() -> Settings:
    """Read settings now (not at import), so tests and CLI flags can change the environment."""
    weight_mode = os.environ.get("MONEV_IKM_WEIGHT_MODE", "exact")
    if weight_mode not in ("exact", "0.111"):
        raise ValueError(f"MONEV_IKM_WEIGHT_MODE must be 'exact' or '0.111', not {weight_mode!r}")
    conversion = os.environ.get("MONEV_ZI_SCALE_CONVERSION", "linear")
    if conversion not in ("linear", "proportional"):
        raise ValueError(f"MONEV_ZI_SCALE_CONVERSION must be 'linear' or 'proportional', not {conversion!r}")
    receipt_day = os.environ.get("MONEV_COUNT_RECEIPT_DAY", "false").strip().lower()
    if receipt_day not in ("true", "false"):
        raise ValueError(f"MONEV_COUNT_RECEIPT_DAY must be 'true' or 'false', not {receipt_day!r}")
    return Settings(
        data_root=_data_root_from_env(),
        config_dir=Path(os.environ.get("MONEV_CONFIG_DIR", REPO_ROOT / "config")),
        expectations_dir=Path(os.environ.get("MONEV_EXPECTATIONS_DIR", REPO_ROOT / "expectations")),
        ikm_weight_mode=weight_mode,
        max_failed_share=float(os.environ.get("MONEV_MAX_FAILED_SHARE", "0.2")),
        catalog_url=os.environ.get("MONEV_CATALOG_URL") or None,
        pseudonym_key=os.environ.get("MONEV_PSEUDONYM_KEY") or None,
        validation_chunk_rows=int(os.environ.get("MONEV_VALIDATION_CHUNK_ROWS", "250000")),
        date_tolerance_days=int(os.environ.get("MONEV_DATE_TOLERANCE_DAYS", "31")),
        validation_workers=int(os.environ.get("MONEV_VALIDATION_WORKERS", os.cpu_count() or 1)),
        units_per_task=max(1, int(os.environ.get("MONEV_UNITS_PER_TASK", "10"))),
        zi_scale_conversion=conversion,
        count_receipt_day=receipt_day == "true",
        publish_deadline_days=int(os.environ.get("MONEV_PUBLISH_DEADLINE_DAYS", "30")),
        max_quarantine_share=float(os.environ.get("MONEV_MAX_QUARANTINE_SHARE", "0.10")),
        alert_recipients=_addresses(os.environ.get("MONEV_ALERT_RECIPIENTS", "")),
        http_max_bytes=int(os.environ.get("MONEV_HTTP_MAX_BYTES", 200 << 20)),
        lock_wait_seconds=float(os.environ.get("MONEV_LOCK_WAIT_SECONDS", "3600")),
        lock_stale_minutes=float(os.environ.get("MONEV_LOCK_STALE_MINUTES", "180")),
        landing_quiet_seconds=float(os.environ.get("MONEV_LANDING_QUIET_SECONDS", "2")),
        max_file_bytes=int(os.environ.get("MONEV_MAX_FILE_BYTES", 512 << 20)),
        max_xlsx_unpacked_bytes=int(os.environ.get("MONEV_MAX_XLSX_UNPACKED_BYTES", 1 << 30)),
        ingest_schedule=os.environ.get("MONEV_INGEST_SCHEDULE", "0 5 * * *"),
        retry_delay_seconds=float(os.environ.get("MONEV_RETRY_DELAY_SECONDS", "120")),
        gate_retries=int(os.environ.get("MONEV_GATE_RETRIES", "25")),
        gate_recheck_hours=float(os.environ.get("MONEV_GATE_RECHECK_HOURS", "24")),
        republish_interval_hours=float(os.environ.get("MONEV_REPUBLISH_INTERVAL_HOURS", "24")),
        publish_poke_seconds=float(os.environ.get("MONEV_PUBLISH_POKE_SECONDS", "300")),
    )

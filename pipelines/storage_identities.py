"""Who may do what in the object store: the platform, and each unit that uploads by S3 itself.

The platform's identity may use its one bucket and nothing else. A unit's identity may write (and read back) its
own landing folder and list it, nothing more: not another unit's folder, not the raw zone, the warehouse or the
releases. The documents are IAM policies, which MinIO and S3 both take; the compose stack's set-up job applies
what `write_identity_files` leaves in a folder (`python -m pipelines storage-identities`).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipelines.registry import Registry
from pipelines.sources.files import landing_root
from pipelines.storage import DataRoot

PLATFORM_POLICY = "monev-platform"


@dataclass(frozen=True)
class UnitIdentity:
    unit_code: str
    access_key: str
    policy_name: str
    policy: dict


def bucket_and_key(uri: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix?options` → ("bucket", "some/prefix")."""
    parts = urlsplit(uri)
    if parts.scheme != "s3":
        raise ValueError(f"{uri} is not object storage (s3://bucket/prefix)")
    return parts.netloc, parts.path.strip("/")


def _arn(bucket: str, key: str = "") -> str:
    return f"arn:aws:s3:::{bucket}" + (f"/{key}" if key else "")


def platform_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "PlatformBucket", "Effect": "Allow", "Action": ["s3:*"],
                       "Resource": [_arn(bucket), _arn(bucket, "*")]}],
    }  # fmt: skip


def unit_policy(bucket: str, folder: str) -> dict:
    """Write and read back objects under `folder` (a key prefix ending in /), list that folder only."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "OwnLandingFolder", "Effect": "Allow",
             "Action": ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
             "Resource": [_arn(bucket, f"{folder}*")]},
            {"Sid": "ListOwnLandingFolder", "Effect": "Allow", "Action": ["s3:ListBucket"],
             "Resource": [_arn(bucket)], "Condition": {"StringLike": {"s3:prefix": [folder, f"{folder}*"]}}},
            {"Sid": "FindTheBucket", "Effect": "Allow", "Action": ["s3:GetBucketLocation"], "Resource": [_arn(bucket)]},
        ],
    }  # fmt: skip


def unit_identities(reg: Registry, data_root_uri: str) -> list[UnitIdentity]:
    """An identity for each unit whose files source says `s3_identity: true`, in registry order."""
    found = []
    for unit in reg.units:
        for source in unit.sources:
            if source.kind == "files" and source.s3_identity:
                location, parts = landing_root(unit, source, DataRoot(data_root_uri))
                bucket, key = bucket_and_key(location.uri_of(*parts))
                name = f"unit-{unit.code.lower()}"
                found.append(UnitIdentity(unit.code, name, f"monev-{name}", unit_policy(bucket, f"{key}/")))
    return found


def write_identity_files(out: str | Path, reg: Registry, data_root_uri: str) -> list[str]:
    """Policies, each unit's keys (made once, kept after) and the list the set-up job applies; what was written.

    `folder/policies/<name>.json`, `folder/credentials/<UNIT>.env` (the unit's keys, readable by the owner only:
    hand the file to the unit) and `folder/identities.tsv` (access key, policy name, credentials file).
    """
    folder = Path(out)
    bucket, _ = bucket_and_key(data_root_uri)
    (folder / "policies").mkdir(parents=True, exist_ok=True)
    (folder / "credentials").mkdir(mode=0o700, exist_ok=True)
    policies = {PLATFORM_POLICY: platform_policy(bucket)}
    lines, written = [], []
    for identity in unit_identities(reg, data_root_uri):
        policies[identity.policy_name] = identity.policy
        keys = folder / "credentials" / f"{identity.unit_code}.env"
        if not keys.exists():
            keys.touch(mode=0o600)
            keys.write_text(f"AWS_ACCESS_KEY_ID={identity.access_key}\nAWS_SECRET_ACCESS_KEY={secrets.token_hex(24)}\n")
            written.append(str(keys))
        lines.append(f"{identity.access_key}\t{identity.policy_name}\tcredentials/{identity.unit_code}.env")
    for name, policy in policies.items():
        (folder / "policies" / f"{name}.json").write_text(json.dumps(policy, indent=2) + "\n")
        written.append(str(folder / "policies" / f"{name}.json"))
    (folder / "identities.tsv").write_text("".join(f"{line}\n" for line in lines))
    return [*written, str(folder / "identities.tsv")]

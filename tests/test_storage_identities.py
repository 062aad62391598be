"""The object-storage policies, applied to IAM users on an S3 server that enforces them (moto's, with its
authorisation checks on): a unit's keys write its own landing folder and nothing else; the platform's keys use
their one bucket and no other."""

from __future__ import annotations

import json

import boto3
import pyarrow.fs as pafs
import pytest
import requests
import yaml
from botocore.exceptions import ClientError

from pipelines.registry import load_registry
from pipelines.settings import REPO_ROOT
from pipelines.storage_identities import (
    PLATFORM_POLICY,
    platform_policy,
    unit_identities,
    write_identity_files,
)
from tests.support.s3_server import s3_server

DATA_ROOT = "s3://monev/data?endpoint_override=minio:9000&scheme=http"


@pytest.fixture
def registry_with_two_s3_units(tmp_path):
    document = yaml.safe_load((REPO_ROOT / "config" / "units.yaml").read_text())
    for unit in document["units"]:
        if unit["code"] in ("UPT-P2TK", "UPT-K3"):
            unit["sources"] = [{"kind": "files", "s3_identity": True}]
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    return load_registry(path)


def test_only_units_that_upload_by_s3_get_an_identity(registry_with_two_s3_units):
    identities = unit_identities(registry_with_two_s3_units, DATA_ROOT)
    assert [(i.unit_code, i.access_key) for i in identities] == [
        ("UPT-K3", "unit-upt-k3"),
        ("UPT-P2TK", "unit-upt-p2tk"),
    ]
    [own] = identities[0].policy["Statement"][:1]
    assert own["Resource"] == ["arn:aws:s3:::monev/data/landing/UPT-K3/*"] and "s3:DeleteObject" not in own["Action"]


def test_a_units_keys_are_made_once_and_kept(tmp_path, registry_with_two_s3_units):
    write_identity_files(tmp_path / "out", registry_with_two_s3_units, DATA_ROOT)
    keys = (tmp_path / "out" / "credentials" / "UPT-K3.env").read_text()
    assert (tmp_path / "out" / "credentials" / "UPT-K3.env").stat().st_mode & 0o077 == 0
    write_identity_files(tmp_path / "out", registry_with_two_s3_units, DATA_ROOT)
    assert (tmp_path / "out" / "credentials" / "UPT-K3.env").read_text() == keys
    listed = (tmp_path / "out" / "identities.tsv").read_text().splitlines()
    assert listed == ["unit-upt-k3\tmonev-unit-upt-k3\tcredentials/UPT-K3.env",
                      "unit-upt-p2tk\tmonev-unit-upt-p2tk\tcredentials/UPT-P2TK.env"]  # fmt: skip
    assert json.loads((tmp_path / "out" / "policies" / f"{PLATFORM_POLICY}.json").read_text()) == platform_policy(
        "monev"
    )


def _user(iam, name: str, policy: dict) -> dict[str, str]:
    iam.create_user(UserName=name)
    arn = iam.create_policy(PolicyName=f"policy-{name}", PolicyDocument=json.dumps(policy))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=name, PolicyArn=arn)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


@pytest.fixture
def enforcing_server(registry_with_two_s3_units):
    """The buckets `monev` and `other`, IAM users with the generated policies; then authorisation is enforced."""
    with s3_server() as endpoint:
        url = f"http://{endpoint}"
        s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1")
        for bucket in ("monev", "other"):
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket="monev", Key="data/releases/2026-Q3/v1/SHA256SUMS", Body=b"sums")
        iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1")
        keys = {"platform": _user(iam, "platform", platform_policy("monev"))}
        for identity in unit_identities(registry_with_two_s3_units, DATA_ROOT):
            keys[identity.unit_code] = _user(iam, identity.access_key, identity.policy)
        requests.post(f"{url}/moto-api/reset-auth", data=b"0", timeout=10).raise_for_status()
        yield url, keys


def client(url: str, keys: dict[str, str]):
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1", **keys)


def refused(call, **arguments) -> bool:
    try:
        call(**arguments)
    except ClientError as error:
        return error.response["Error"]["Code"] in ("AccessDenied", "403", "InvalidAccessKeyId")
    return False


def test_a_unit_writes_its_own_landing_folder_and_nothing_else(enforcing_server):
    url, keys = enforcing_server
    p2tk = client(url, keys["UPT-P2TK"])
    p2tk.put_object(Bucket="monev", Key="data/landing/UPT-P2TK/layanan_2026Q3.csv", Body=b"a;b\n")
    assert p2tk.get_object(Bucket="monev", Key="data/landing/UPT-P2TK/layanan_2026Q3.csv")["Body"].read() == b"a;b\n"
    for key in (
        "data/landing/UPT-K3/layanan_2026Q3.csv",
        "data/warehouse/service_log/x.parquet",
        "data/raw/service_log/unit=UPT-P2TK/x.csv",
        "data/releases/2026-Q3/v1/SHA256SUMS",
        "landing/UPT-P2TK/x",
    ):
        assert refused(p2tk.put_object, Bucket="monev", Key=key, Body=b"x"), key  # fmt: skip
    assert refused(p2tk.get_object, Bucket="monev", Key="data/releases/2026-Q3/v1/SHA256SUMS")
    assert refused(p2tk.delete_object, Bucket="monev", Key="data/landing/UPT-P2TK/layanan_2026Q3.csv")
    assert refused(p2tk.put_object, Bucket="other", Key="data/landing/UPT-P2TK/x.csv", Body=b"x")
    k3 = client(url, keys["UPT-K3"])
    assert refused(k3.get_object, Bucket="monev", Key="data/landing/UPT-P2TK/layanan_2026Q3.csv")


def test_a_unit_writes_through_pyarrow_too(enforcing_server):
    url, keys = enforcing_server
    storage = pafs.S3FileSystem(access_key=keys["UPT-K3"]["aws_access_key_id"], region="us-east-1",
                                secret_key=keys["UPT-K3"]["aws_secret_access_key"],
                                endpoint_override=url.removeprefix("http://"), scheme="http")  # fmt: skip
    with storage.open_output_stream("monev/data/landing/UPT-K3/pengaduan_2026Q3.csv") as stream:
        stream.write(b"no;tanggal\n")
    with pytest.raises(OSError), storage.open_output_stream("monev/data/landing/UPT-P2TK/x.csv") as stream:
        stream.write(b"x")


def test_the_platform_uses_its_bucket_and_no_other(enforcing_server):
    url, keys = enforcing_server
    platform = client(url, keys["platform"])
    for key in ("data/warehouse/service_log/x.parquet", "data/landing/UPT-K3/x.csv", "publikasi/2026-Q3/v1/x"):
        platform.put_object(Bucket="monev", Key=key, Body=b"x")
        platform.delete_object(Bucket="monev", Key=key)
    assert platform.get_object(Bucket="monev", Key="data/releases/2026-Q3/v1/SHA256SUMS")["Body"].read() == b"sums"
    assert refused(platform.put_object, Bucket="other", Key="x", Body=b"x")
    assert refused(platform.list_objects_v2, Bucket="other")


def test_keys_the_server_does_not_know_are_refused(enforcing_server):
    url, _ = enforcing_server
    stranger = client(url, {"aws_access_key_id": "monev-test", "aws_secret_access_key": "monev-test-secret"})
    assert refused(stranger.get_object, Bucket="monev", Key="data/releases/2026-Q3/v1/SHA256SUMS")

"""Nothing in pipelines/ reads or writes data on a local path: every data access goes through DataRoot.

On the production stack the data root is a bucket, so a stray `open()` would write into a worker's
container and be lost. The scan walks each module's syntax tree and reports local file access; the
few modules allowed some are listed with the reason, and an entry no longer needed fails too.
"""

from __future__ import annotations

import ast

from pipelines.settings import REPO_ROOT

PACKAGE = REPO_ROOT / "pipelines"

LOCAL_IO_MODULES = {"pathlib", "tempfile", "shutil", "glob", "os.path"}
OS_FILE_CALLS = {"makedirs", "mkdir", "remove", "unlink", "rename", "replace", "listdir", "scandir", "walk", "rmdir"}
ARROW_PATH_CALLS = {"read_table", "write_table", "read_metadata", "dataset", "write_dataset", "ParquetFile"}
PANDAS_WRITERS = {"to_csv", "to_parquet", "to_excel", "to_json"}
IN_MEMORY_TARGETS = {"sink", "buffer", "stream"}
PATH_METHODS = {"read_text", "write_text", "mkdir", "rglob", "iterdir", "touch", "unlink"}

ALLOWED = {
    "settings.py": "locates config/ and expectations/, which ship with the code, and reads config/release.yaml",
    "registry.py": "reads config/units.yaml from the config folder",
    "parse/headers.py": "reads config/headers.yaml from the config folder",
    "indicators/workdays.py": "reads config/calendar.yaml from the config folder",
    "indicators/early_warning.py": "reads config/warnings.yaml from the config folder",
    "quality/gx_runner.py": "reads the GX suites from expectations/",
    "samples/profiles.py": "reads the sample offices' export and survey-form styles kept beside it as YAML",
    "quality/data_docs.py": "GX renders its site into a scratch folder; the pages are then uploaded to the data root",
    "publish/datapackage.py": "frictionless validates the package from a scratch folder before the release is sealed",
    "runstate/store.py": "makes the default SQLite catalog's folder; object storage requires MONEV_CATALOG_URL",
    "ingest/parse_file.py": "a parsed file waits for validation in the load's local scratch folder",
    "quality/batch.py": "a worker hands a file's good rows to the loading process in that scratch folder",
    "ingest/load.py": "makes and removes that scratch folder, local to the task process and its workers",
    "storage_identities.py": "writes the object store's policies and units' keys for the stack's set-up job",
    "portal/web.py": "loads the portal's page templates, which ship with the code",
    "storage.py": "resolves symlinks in a local data root or landing folder, which could point anywhere on the host; "
    "stages object-storage writes in a local scratch folder",
}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _writes_to_memory(call: ast.Call) -> bool:
    target = call.args[0] if call.args else None
    if isinstance(call.func, ast.Attribute) and call.func.attr == "write_table" and len(call.args) > 1:
        target = call.args[1]
    built_inline = isinstance(target, ast.Call)  # e.g. pads.dataset(schema.empty_table())
    return built_inline or (isinstance(target, ast.Name) and target.id in IN_MEMORY_TARGETS)


def local_io(source: str) -> list[str]:
    """Each place in the module that touches the local file system, as `line: what`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{node.lineno}: import {name}" for name in names if name in LOCAL_IO_MODULES]
        elif isinstance(node, ast.Attribute) and _dotted(node).startswith("os.path"):
            found.append(f"{node.lineno}: {_dotted(node)}")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            attribute = name.rpartition(".")[2]
            has_filesystem = any(keyword.arg == "filesystem" for keyword in node.keywords)
            if name == "open":
                found.append(f"{node.lineno}: open()")
            elif attribute in PATH_METHODS and isinstance(node.func, ast.Attribute):
                found.append(f"{node.lineno}: .{attribute}()")
            elif name.startswith("os.") and attribute in OS_FILE_CALLS:
                found.append(f"{node.lineno}: {name}()")
            elif name.split(".")[0] in {"pq", "pads"} and attribute in ARROW_PATH_CALLS:
                if not has_filesystem and not _writes_to_memory(node):
                    found.append(f"{node.lineno}: {name}() without filesystem=")
            elif attribute in PANDAS_WRITERS and not _writes_to_memory(node):
                found.append(f"{node.lineno}: .{attribute}() to a path")
            elif name == "duckdb.connect" and node.args and ast.literal_eval(node.args[0]) != ":memory:":
                found.append(f"{node.lineno}: duckdb.connect() to a file")
    return sorted(found, key=lambda hit: int(hit.split(":")[0]))


def test_only_the_listed_modules_touch_local_files():
    offenders = {}
    for module in sorted(PACKAGE.rglob("*.py")):
        name = module.relative_to(PACKAGE).as_posix()
        hits = local_io(module.read_text(encoding="utf-8"))
        if hits and name not in ALLOWED:
            offenders[name] = hits
    assert not offenders, f"local file access outside the data root: {offenders}"


def test_every_allowance_is_still_needed():
    unused = [name for name in ALLOWED if not local_io((PACKAGE / name).read_text(encoding="utf-8"))]
    assert not unused, f"these modules no longer touch local files; drop them from ALLOWED: {unused}"


def test_the_scan_catches_the_usual_local_writes():
    source = """
import os
import pyarrow.parquet as pq
with open("data/x.csv", "w") as f: f.write("x")
os.makedirs("data/warehouse")
pq.write_table(table, "data/warehouse/part-0.parquet")
frame.to_csv("data/out.csv")
pq.write_table(table, sink)
pq.read_table(path, filesystem=root.fs)
"""
    assert [hit.split(":")[0] for hit in local_io(source)] == ["4", "5", "6", "7"]

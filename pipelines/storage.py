"""The data root: one place that knows where zones live, local folder or object storage.

Every read and write in the pipeline goes through `DataRoot`, so moving the platform from
`./data` to `s3://bucket/monev` is a setting, not a code change.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyarrow.fs as pafs

from pipelines.settings import get_settings


@dataclass
class DataRoot:
    uri: str
    fs: pafs.FileSystem = field(init=False, repr=False)
    base: str = field(init=False)

    def __post_init__(self) -> None:
        self.fs, self.base = pafs.FileSystem.from_uri(_opened_when_written(self.uri))
        self.base = self.base.rstrip("/")

    @property
    def is_local(self) -> bool:
        return isinstance(self.fs, pafs.LocalFileSystem)

    @property
    def staging_fs(self) -> pafs.FileSystem:
        """Where `replacing_dir` stages files: beside the data on a local disk (a rename swaps each in), in a local
        scratch folder for object storage (one upload swaps each in: no staging objects to create, copy and
        delete, each a request)."""
        return self.fs if self.is_local else pafs.LocalFileSystem()

    def path(self, *parts: str) -> str:
        """Filesystem path (as pyarrow sees it) of a location under the root."""
        return posixpath.join(self.base, *parts)

    def uri_of(self, *parts: str) -> str:
        """Human-facing address of a location, for logs and summaries (options such as ?endpoint_override kept last)."""
        address, _, options = self.uri.partition("?")
        joined = posixpath.join(address, *parts)
        return f"{joined}?{options}" if options else joined

    def exists(self, *parts: str) -> bool:
        return self.fs.get_file_info(self.path(*parts)).type != pafs.FileType.NotFound

    def list_files(self, *parts: str, recursive: bool = False) -> list[str]:
        """Relative paths (to the given folder) of the files in it; an absent folder lists as empty."""
        return sorted(self._files_under(self.path(*parts), recursive))

    def list_dirs(self, *parts: str) -> list[str]:
        selector = pafs.FileSelector(self.path(*parts), allow_not_found=True)
        return sorted(
            posixpath.basename(info.path)
            for info in self.fs.get_file_info(selector)
            if info.type == pafs.FileType.Directory
        )

    def read_bytes(self, *parts: str) -> bytes:
        with self.fs.open_input_stream(self.path(*parts)) as stream:
            return stream.read()

    def resolves_inside(self, *parts: str) -> bool:
        """Whether a location stays under the root: on a local disk a symlink may point anywhere on the host."""
        if not self.is_local:
            return True  # object storage has no links
        base = os.path.realpath(self.base)
        return os.path.realpath(self.path(*parts)).startswith(base + os.sep)

    def stat(self, *parts: str) -> tuple[int, int | None]:
        """(size, modification time in ns) of a file: what changes while someone is still writing it."""
        info = self.fs.get_file_info(self.path(*parts))
        return info.size, info.mtime_ns

    def sha256(self, *parts: str) -> str:
        """Hash of a file read in chunks, for files too large to hold in memory."""
        digest = hashlib.sha256()
        with self.fs.open_input_stream(self.path(*parts)) as stream:
            while chunk := stream.read(16 << 20):
                digest.update(chunk)
        return digest.hexdigest()

    def write_bytes(self, data: bytes, *parts: str) -> None:
        if self.is_local:  # object storage has no folders to make: a key's prefix is enough
            self.fs.create_dir(posixpath.dirname(self.path(*parts)), recursive=True)
        with self.fs.open_output_stream(self.path(*parts)) as stream:
            stream.write(data)

    def write_staged(self, staging: str, name: str, data: bytes) -> None:
        """Write `name` (a relative path) into a folder `replacing_dir` yielded."""
        target = posixpath.join(staging, name)
        self.staging_fs.create_dir(posixpath.dirname(target), recursive=True)
        with self.staging_fs.open_output_stream(target) as stream:
            stream.write(data)

    def delete_file(self, *parts: str) -> None:
        if self.exists(*parts):
            self.fs.delete_file(self.path(*parts))

    def delete_dir(self, *parts: str) -> None:
        if self.exists(*parts):
            self.fs.delete_dir(self.path(*parts))

    @contextmanager
    def replacing_dir(self, *parts: str, seal: str | None = None) -> Iterator[str]:
        """Yield a staging folder; on success its files replace the target folder's.

        Readers never see a half-written file, and a process killed at any moment leaves every
        file either old or new: each staged file replaces its namesake in one atomic step (a
        rename on a local disk, an upload on object storage, which cannot rename), so a one-file
        partition is swapped whole. A multi-file folder is marked complete by its `seal` file,
        which goes last. Files the new content no longer has are deleted after. The staging folder
        is on `staging_fs`.
        """
        if self.is_local:
            staging = self.path(".staging", uuid.uuid4().hex)
            self.fs.create_dir(staging, recursive=True)
        else:
            staging = tempfile.mkdtemp(prefix="monev-staging-")
        try:
            yield staging
        except BaseException:
            self.staging_fs.delete_dir(staging)
            raise
        self._swap(staging, self.path(*parts), seal)

    def _swap(self, staging: str, target: str, seal: str | None) -> None:
        staged = self._files_under(staging, recursive=True, fs=self.staging_fs)
        existing = self._files_under(target, recursive=True)
        for name in sorted(staged, key=lambda name: (name == seal, name)):
            source, destination = posixpath.join(staging, name), posixpath.join(target, name)
            if self.is_local:
                self.fs.create_dir(posixpath.dirname(destination), recursive=True)
                self.fs.move(source, destination)
            else:  # an object appears whole when its upload completes, never in part
                pafs.copy_files(source, destination, self.staging_fs, self.fs)
        for name in existing - staged:
            self.fs.delete_file(posixpath.join(target, name))
        self.staging_fs.delete_dir(staging)

    def _files_under(self, folder: str, recursive: bool, fs: pafs.FileSystem | None = None) -> set[str]:
        selector = pafs.FileSelector(folder, allow_not_found=True, recursive=recursive)
        return {
            posixpath.relpath(info.path, folder)
            for info in (fs or self.fs).get_file_info(selector)
            if info.type == pafs.FileType.File
        }


def _opened_when_written(uri: str) -> str:
    """On S3, a file opened for writing starts its upload only once it has data (unless the URI says otherwise):
    a small file is then one request, not three (start, part, complete)."""
    if not uri.startswith("s3://") or "allow_delayed_open=" in uri:
        return uri
    return f"{uri}{'&' if '?' in uri else '?'}allow_delayed_open=true"


def data_root() -> DataRoot:
    return DataRoot(get_settings().data_root)

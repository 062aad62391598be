"""Memory a process gives back between files, so its peak is one file's, not the sum of all it has handled.

Importing this module makes jemalloc Arrow's allocator where the build has it: it returns freed
memory to the system, where mimalloc (Arrow's default) keeps several hundred megabytes of
earlier files for reuse (measured with a 10M-row quarter).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc

import pyarrow as pa

with contextlib.suppress(NotImplementedError):  # a build without jemalloc keeps its default allocator
    pa.set_memory_pool(pa.jemalloc_memory_pool())


def release_free_memory(collect_cycles: bool = False) -> None:
    """Give back what Arrow's allocator and glibc hold for reuse; with `collect_cycles`, first free objects only the
    cycle collector finds (GX's validation objects hold a file's rows in reference cycles)."""
    if collect_cycles:
        gc.collect()
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)

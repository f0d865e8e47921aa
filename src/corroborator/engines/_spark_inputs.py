"""Which inputs a Spark build reads, and how they are cut into partitions.

The driver lists inputs by name only: local paths through the usual file walk, URIs
(``hdfs://``, ``s3a://``, ``file:``) through Hadoop's file system API. A large ``.jsonl``
file on a shared file system is cut into parts whose line starts the executors find
(:func:`~corroborator.engines._spark_tasks.jsonl_parts`). Every input becomes an
:data:`~corroborator.engines._spark_tasks.InputItem`, in input order.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

from corroborator.engines._spark_tasks import InputItem, jsonl_parts
from corroborator.engines.local import BuildOptions

logger = logging.getLogger(__name__)

__all__ = ["FILES_PER_PARTITION", "java_message", "local_items", "partitions", "remote_inputs"]

#: Input files per partition when not set: enough to keep a batch of spaCy busy, few enough to spread the work.
FILES_PER_PARTITION = 64

def java_message(exc: Exception) -> str:
    """The first line that says what went wrong in a Spark or Hadoop error (they run to pages)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    for line in lines:
        if "Error:" in line or "Exception:" in line:
            return line[:300]
    return (lines[0] if lines else type(exc).__name__)[:300]


def local_items(sc: Any, paths: list[str], part_bytes: int, options: BuildOptions) -> list[InputItem]:
    """The inputs on a shared file system in input order, large ``.jsonl`` files cut into parts.

    The executors find the parts (line starts, and the number of lines before each), so
    the driver never reads a file; it gets only their offsets back.
    """
    items: list[InputItem] = []
    large: list[tuple[int, str, int]] = []
    for i, path in enumerate(paths):
        size = _size(path)
        if path.lower().endswith(".jsonl") and size > part_bytes:
            large.append((i, path, size))
        else:
            items.append((i, path, None, None))
    if large:
        max_line = options.ingest.max_line_bytes
        found = sc.parallelize(large, len(large)).flatMap(
            lambda f: jsonl_parts(f[0], f[1], f[2], part_bytes, max_line)).collect()
        logger.info("%d large .jsonl file(s) read in %d parts", len(large), len(found))
        items.extend(found)
        items.sort(key=lambda item: (item[0], item[3][0] if item[3] else 0))
    return items


def _size(path: str) -> int:
    """A file's size (0 when it cannot be read: the reader then says why)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def remote_inputs(session: Any, uris: list[str], options: BuildOptions, offset: int,
                   skipped: list[tuple[str, str]], asked: int | None = None) -> Any:
    """The files under ``uris`` as ``(ord, path, bytes)``, in path order; Spark reads the bytes on the executors.

    The driver lists the files (names and lengths, through Hadoop's file system API),
    never their bytes. Spark leaves empty files out of what it reads, so they get their
    ``empty file`` reason from the same reader, with no bytes.
    """
    listed = sorted(_listing(session, uris, options.ingest.follow_hidden, skipped))
    order = {path: offset + i for i, (path, _) in enumerate(listed)}
    sc = session.sparkContext
    empty = sc.parallelize([(order[path], path, b"", None) for path, size in listed if size == 0] or [], 1)
    wanted = [path for path, size in listed if size > 0]
    if not wanted:
        return empty
    ords = sc.broadcast(order)
    frame = session.read.format("binaryFile").load(wanted).select("path", "content")
    # Spark packs small files into few splits (128 MB each): spread them so every core gets work.
    frame = frame.repartition(partitions(len(wanted), sc, asked))
    read = frame.rdd.map(lambda row: (ords.value[row[0]], row[0], bytes(row[1]), None))
    return read.union(empty)


def partitions(files: int, sc: Any, asked: int | None) -> int:
    """Input partitions: as asked, else about :data:`FILES_PER_PARTITION` files each and two per core at least."""
    wanted = asked or max(2 * max(sc.defaultParallelism, 1), -(-files // FILES_PER_PARTITION))
    return max(1, min(wanted, files))


def _listing(session: Any, uris: list[str], follow_hidden: bool,
             skipped: list[tuple[str, str]]) -> Iterator[tuple[str, int]]:
    """``(path, length)`` of every file under ``uris`` (recursively), through Hadoop's file system API.

    A URI that names nothing goes to ``skipped`` with its reason.
    """
    jvm = session.sparkContext._jvm
    conf = session.sparkContext._jsc.hadoopConfiguration()
    for uri in uris:
        try:
            root = jvm.org.apache.hadoop.fs.Path(uri)
            fs = root.getFileSystem(conf)
            if not fs.exists(root):
                skipped.append((uri, "no such file or folder"))
                continue
            files = fs.listFiles(root, True)
            base = fs.getFileStatus(root).getPath().toString()
            found = []
            while files.hasNext():
                status = files.next()
                path = status.getPath().toString()
                if follow_hidden or not any(part.startswith(".") for part in path[len(base):].split("/")):
                    found.append((path, status.getLen()))
        except Exception as exc:  # noqa: BLE001 - Hadoop's errors arrive as Py4J errors of every kind
            skipped.append((uri, f"cannot be listed ({java_message(exc)})"))
            continue
        yield from found

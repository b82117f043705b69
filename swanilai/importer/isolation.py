"""Run a document reader in a child process, with a time limit and a memory limit.

Parsers of hostile files can loop for a long time or allocate without end (a PDF with a huge
object stream, a zip bomb). The child is forked, so it needs nothing re-imported and the bytes are
shared; it gets an address-space limit, and the parent kills it when the time is up. Whatever
goes wrong in the child comes back as an `ImportRefused`, never as a traceback.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Callable

from swanilai.importer.messages import ImportRefused
from swanilai.importer.rows import Source

SECONDS = 60
MEMORY = 1024 * 1024 * 1024  # on top of what the process already uses


def run_isolated(
    reader: Callable[[bytes], Source], raw: bytes, seconds: float = SECONDS, memory: int = MEMORY
) -> Source:
    """`reader(raw)` in a forked child; its Source, or the ImportRefused it raised (or timeout / too_complex)."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(reader, raw, memory, sending), daemon=True)
    child.start()
    sending.close()
    try:
        if not receiving.poll(seconds):
            raise ImportRefused("timeout", {"seconds": int(seconds)})
        try:
            outcome, value = receiving.recv()
        except (EOFError, OSError) as exc:  # the child died: killed by the memory limit
            raise ImportRefused("too_complex") from exc
    finally:
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome == "ok":
        return value
    raise value


def _child(reader: Callable[[bytes], Source], raw: bytes, memory: int, sending) -> None:
    try:
        in_use = int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (in_use + memory, in_use + memory))
    except (OSError, ValueError):
        pass  # no /proc: the time limit still holds
    try:
        result = ("ok", reader(raw))
    except ImportRefused as exc:
        result = ("error", exc)
    except MemoryError:
        result = ("error", ImportRefused("too_complex"))
    except RecursionError:
        result = ("error", ImportRefused("too_complex"))
    except Exception as exc:  # noqa: BLE001 - any parser error on a damaged file means "damaged"
        result = ("error", ImportRefused("corrupt", {"detail": f"{type(exc).__name__}: {exc}"[:120]}))
    try:
        sending.send(result)
    except MemoryError:
        sending.send(("error", ImportRefused("too_complex")))
    finally:
        sending.close()

"""Text bytes that arrive in chunks (decompressed on demand), kept or forgotten.

A compressed CSV is parsed while it is still being decompressed: a loader thread
inflates chunks (zlib releases the GIL) while pyarrow parses the ones already
there, reading them through `TextStream.reader`; the kept chunks then serve the
checks that need the whole text. On the 48 MB Online Retail file that overlap
saves about a third of the read time. Read through `stream_through`, a chunk is
forgotten once parsed and the loader stays a few chunks ahead, so the text is
never held whole (only its last part, for the footer checks).
"""

from __future__ import annotations

import io
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from ml.errors import InputDataError, PushwiseError

_AHEAD = 4  # chunks a loader may hold beyond a forgetting reader
_RECENT = 1 << 18  # last bytes kept for tail() when chunks are forgotten


@dataclass(slots=True)
class ByteCounts:
    """Counts over all loaded bytes, kept as chunks arrive (on the loader thread,
    which waits for zlib anyway; counting on pyarrow's side measured slower)."""

    newlines: int = 0
    lone_crs: int = 0  # CR not followed by LF: a line end of its own
    first_nul: int = -1
    ends_with_cr: bool = False
    ends_with_break: bool = False

    def add(self, chunk: bytes, offset: int) -> None:
        """Count one more chunk that starts at byte `offset`."""
        if not chunk:
            return
        self.newlines += chunk.count(b"\n")
        crs = chunk.count(b"\r")
        if crs:
            self.lone_crs += crs - chunk.count(b"\r\n")
        if self.ends_with_cr and chunk[:1] == b"\n":
            self.lone_crs -= 1  # a CRLF split between two chunks
        if self.first_nul < 0 and (nul := chunk.find(b"\0")) >= 0:
            self.first_nul = offset + nul
        self.ends_with_cr = chunk.endswith(b"\r")
        self.ends_with_break = chunk.endswith((b"\n", b"\r"))

    @property
    def lines(self) -> int:
        """Physical lines: CR, LF and CRLF each end one; a last unended line counts."""
        return self.newlines + self.lone_crs + (not self.ends_with_break)


class TextStream:
    """The bytes of a text file, pulled chunk by chunk and kept (a tee)."""

    def __init__(self, chunks: Iterator[bytes], file: str = "") -> None:
        self._file = file  # for error messages
        self._chunks = chunks  # used by one thread at a time: see _source_lock
        self._kept: list[bytes | None] = []  # None: forgotten (stream_through)
        self._size = 0
        self._done = False
        self._failure: PushwiseError | None = None
        self._forget = False  # chunks are forgotten once read
        self._released = 0  # chunks before this index are forgotten
        self._draining = False  # the reader is done: load the rest, forgetting it
        self._stopped = False  # the reader gave up: the loader stops
        self._recent: deque[bytes] = deque()  # last chunks, at least _RECENT bytes
        self._recent_size = 0
        self._changed = threading.Condition()  # guards the fields above
        self._source_lock = threading.Lock()  # one caller at a time runs _chunks
        self._loader: threading.Thread | None = None
        self._counts = ByteCounts()
        # Only a forgetting reader needs counts (its bytes are gone afterwards);
        # counting a text read whole would be four wasted passes over it.
        self._counting = False

    @classmethod
    def of(cls, data: bytes) -> TextStream:
        """A stream whose bytes are all there already."""
        stream = cls(iter(()))
        stream._kept, stream._size, stream._done = [data], len(data), True
        return stream

    @property
    def counts(self) -> ByteCounts | None:
        """Counts over all bytes once they are all loaded after stream_through
        (else None)."""
        with self._changed:
            done = self._done and self._failure is None
            return self._counts if done and self._counting else None

    @property
    def failure(self) -> PushwiseError | None:
        """Why loading failed (a damaged or oversized file), if it did."""
        with self._changed:
            return self._failure

    @property
    def spent(self) -> bool:
        """True once read through stream_through: its bytes are gone, so a
        second reading needs the file opened again."""
        with self._changed:
            return self._forget

    @property
    def pending(self) -> bool:
        """True while some bytes have not been loaded yet."""
        with self._changed:
            return not self._done

    def load_in_background(self) -> None:
        """Load the rest on a thread of its own, so a parse can run meanwhile."""
        with self._changed:
            if self._done or self._loader is not None:
                return
            self._loader = threading.Thread(
                target=self._load_rest, name="pushwise-text-loader", daemon=True
            )
            self._loader.start()

    def prefix(self, size: int) -> bytes:
        """The first `size` bytes (fewer at the end of the text)."""
        while self._size < size and self._pull():
            pass
        with self._changed:
            parts: list[bytes] = []
            got = 0
            for chunk in self._present():
                if got >= size:
                    break
                parts.append(chunk)
                got += len(chunk)
        return b"".join(parts)[:size]

    def whole(self) -> bytes:
        """All bytes (loads the rest first; readers must be done by then)."""
        while self._pull():
            pass
        with self._changed:
            kept = self._present()
            if len(kept) != 1:
                kept = [b"".join(kept)]
                self._kept = list(kept)
            return kept[0]

    def tail(self, size: int) -> tuple[bytes, int]:
        """At least the last `size` bytes (whole chunks) and their start offset;
        once forgetting, the last _RECENT bytes at most."""
        if self._forget:
            with self._changed:  # the reader is done: forget the rest on arrival
                self._draining = True
                self._forget_all()
        while self._pull():
            pass
        with self._changed:
            if self._forget:
                data = b"".join(self._recent)
                return data, self._size - len(data)
            parts: list[bytes] = []
            got = 0
            for chunk in reversed(self._present()):
                if got >= size:
                    break
                parts.append(chunk)
                got += len(chunk)
            return b"".join(reversed(parts)), self._size - got

    def reader(self, offset: int) -> io.RawIOBase:
        """A file object reading from byte `offset` to the end, loading as needed."""
        return _Reader(self, offset)

    def stream_through(self, offset: int) -> io.RawIOBase:
        """Like reader(), but each chunk is forgotten once read and a background
        loader stays at most _AHEAD chunks ahead: memory stays at a few chunks
        whatever the file's size. Afterwards only tail() and counts work."""
        with self._changed:
            self._forget = True
            self._start_counting()
        return _Reader(self, offset, forget=True)

    def release(self, index: int) -> None:
        """Forget the chunks before number `index` (a forgetting reader's)."""
        with self._changed:
            while self._released < min(index, len(self._kept)):
                self._kept[self._released] = None
                self._released += 1
            self._changed.notify_all()

    def close(self) -> None:
        """The reader is done or gave up: a loader stops, nothing is kept."""
        with self._changed:
            self._stopped = True
            if self._forget:
                self._forget_all()

    def _start_counting(self) -> None:
        """Count the chunks loaded so far and, from now on, each one on arrival
        (caller holds _changed)."""
        if self._counting:
            return
        self._counting = True
        offset = 0
        for chunk in self._present():
            self._counts.add(chunk, offset)
            offset += len(chunk)

    def _forget_all(self) -> None:
        """Forget every chunk and wake the loader (caller holds _changed)."""
        self._kept = [None] * len(self._kept)
        self._released = len(self._kept)
        self._changed.notify_all()

    def chunk(self, index: int) -> bytes | None:
        """Chunk number `index` (waiting for it to load); None past the end."""
        while True:
            with self._changed:
                if index < len(self._kept):
                    chunk = self._kept[index]
                    if chunk is None:
                        raise RuntimeError(f"chunk {index} was already forgotten")
                    return chunk
            if not self._pull():
                return None

    def _present(self) -> list[bytes]:
        """All chunks (caller holds _changed); an error once some are forgotten."""
        if self._released:
            raise RuntimeError("the text was read through and forgotten")
        return [chunk for chunk in self._kept if chunk is not None]

    def _pull(self) -> bool:
        """One more chunk than now is there (loaded or awaited); False at the end.
        A load failure is kept and raised again to every later caller."""
        with self._changed:
            have = len(self._kept)
            if self._loader is not None:
                while len(self._kept) == have and not self._done:
                    if self._stopped:
                        raise RuntimeError("the text stream was closed")
                    self._changed.wait()
                return self._after(have)
        with self._source_lock:
            with self._changed:
                if len(self._kept) > have or self._done:
                    return self._after(have)
            self._load_one()
        with self._changed:
            return self._after(have)

    def _after(self, have: int) -> bool:
        if len(self._kept) > have:
            return True
        if self._failure is not None:
            raise self._failure
        return False

    def _load_rest(self) -> None:
        with self._source_lock:
            while self._wait_for_room() and self._load_one():
                pass

    def _wait_for_room(self) -> bool:
        """Hold a loader while it is _AHEAD chunks beyond a forgetting reader;
        False once the reader gave up."""
        with self._changed:
            while (
                self._forget
                and not (self._draining or self._stopped)
                and len(self._kept) - self._released > _AHEAD
            ):
                self._changed.wait()
            return not self._stopped

    def _remember(self, chunk: bytes) -> None:
        """Keep the last chunks, at least _RECENT bytes (caller holds _changed)."""
        self._recent.append(chunk)
        self._recent_size += len(chunk)
        while self._recent_size - len(self._recent[0]) >= _RECENT:
            self._recent_size -= len(self._recent.popleft())

    def _load_one(self) -> bool:
        """Run the chunk source once (caller holds _source_lock)."""
        failure: PushwiseError | None = None
        try:
            chunk = next(self._chunks, None)
        except PushwiseError as exc:
            chunk, failure = None, exc
        except Exception as exc:  # a loader thread must not die silently
            chunk = None
            failure = InputDataError(
                f"the file cannot be read ({exc}).",
                file=self._file,
                hint="Check that the file is complete and not in use, then try again.",
            )
        with self._changed:
            if chunk is None:
                self._done, self._failure = True, failure
            else:
                if self._counting:
                    self._counts.add(chunk, self._size)
                self._size += len(chunk)
                self._remember(chunk)
                if self._forget and (self._draining or self._stopped):
                    self._kept.append(None)
                    self._released = len(self._kept)
                else:
                    self._kept.append(chunk)
            self._changed.notify_all()
        return chunk is not None


class _Reader(io.RawIOBase):
    """Sequential reads over a TextStream's chunks, from an offset; `forget`:
    releasing each chunk once read past."""

    def __init__(
        self, stream: TextStream, offset: int, *, forget: bool = False
    ) -> None:
        super().__init__()
        self._stream = stream
        self._index = 0  # chunk being read
        self._pos = offset  # offset within that chunk (may exceed it at first)
        self._forget = forget

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        """Up to `size` bytes (all the rest when size < 0); fewer only at the end."""
        parts: list[bytes] = []
        wanted = -1 if size is None or size < 0 else size
        got = 0
        while wanted < 0 or got < wanted:
            chunk = self._stream.chunk(self._index)
            if chunk is None:
                break
            if self._pos >= len(chunk):
                self._pos -= len(chunk)
                self._index += 1
                if self._forget:
                    self._stream.release(self._index)
                continue
            end = len(chunk) if wanted < 0 else self._pos + wanted - got
            piece = chunk[self._pos : end]
            parts.append(piece)
            got += len(piece)
            self._pos += len(piece)
        return b"".join(parts)

"""A progress bar on standard error: redrawn in place on a terminal, a line per tenth elsewhere."""

from typing import TextIO

WIDTH = 30


class ProgressBar:
    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream = total, stream
        self.done = self.ok = self.failed = 0
        self._tty = stream.isatty()
        self._last_tenth = -1

    def step(self, ok: bool) -> None:
        self.done += 1
        if ok:
            self.ok += 1
        else:
            self.failed += 1
        tenth = self.done * 10 // self.total if self.total else 10
        if self._tty or tenth != self._last_tenth or self.done == self.total:
            self._last_tenth = tenth
            self._draw()

    def _draw(self) -> None:
        filled = WIDTH * self.done // self.total if self.total else WIDTH
        bar = "#" * filled + "." * (WIDTH - filled)
        text = f"[{bar}] {self.done}/{self.total} sent, {self.ok} accepted, {self.failed} refused"
        if self._tty:
            end = "\n" if self.done == self.total else ""
            self.stream.write("\r" + text + end)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

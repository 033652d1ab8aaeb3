"""Measure `tool lsp`: from a keystroke to its diagnostics, on a generated knowledge base.

    python bench/lsp.py                 # 1,000 people: 4,000 files
    python bench/lsp.py --size 1000 --keystrokes 50

It generates the knowledge base with bench/generate.py, warms the cache as any earlier
`tool` command would, starts the server of this checkout over stdio, and opens an
interview and a person file. Then, for each, it sends one-character changes (a letter typed
at the end of a line of notes, then taken out again; in the interview, also at the end of an
insight, which makes the topics be counted again) and times each from the moment the change
is written to the server until the server publishes that document's diagnostics. It prints
the start-up time and the median, 90th percentile and slowest of each.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import TODAY, generate  # noqa: E402

TIMEOUT = 120.0


class Client:
    """Just enough of an LSP client: framed JSON-RPC over the server's stdin and stdout."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(out.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        data = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any] | None) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)

    def wait(self, wanted: Any) -> dict[str, Any]:
        """The next message `wanted` accepts; requests from the server get an empty answer."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self.messages.get(timeout=max(deadline - time.monotonic(), 0.001))
            if "method" in message and "id" in message:
                self.send({"id": message["id"], "result": None})
            if wanted(message):
                return message

    def diagnostics(self, uri: str) -> dict[str, Any]:
        return self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )
        )

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", {})
        self.process.wait(timeout=30)


def keystrokes(client: Client, uri: str, text: str, count: int, line: int) -> list[float]:
    """Type a letter at the end of a line and take it out again, `count` times."""
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}},
    )
    client.diagnostics(uri)
    lines = text.split("\n")
    end = len(lines[line].encode("utf-16-le")) // 2
    times = []
    for n in range(count):
        typed = n % 2 == 0
        change = {
            "range": {
                "start": {"line": line, "character": end},
                "end": {"line": line, "character": end + (0 if typed else 1)},
            },
            "text": "x" if typed else "",
        }
        started = time.perf_counter()
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": n + 2},
                "contentChanges": [change],
            },
        )
        client.diagnostics(uri)
        times.append(time.perf_counter() - started)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return times


def summary(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (
        f"{name}: median {statistics.median(times) * 1000:.0f} ms, "
        f"p90 {p90 * 1000:.0f} ms, slowest {ordered[-1] * 1000:.0f} ms ({len(times)} keystrokes)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="people (files: 4 x size)")
    parser.add_argument("--keystrokes", type=int, default=40, help="per document")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tool-lsp-bench-"))
    try:
        root = work / "kb"
        files = generate(root, args.size)
        env = {k: v for k, v in os.environ.items() if k != "TOOL_ROOT"}
        env |= {"PYTHONPATH": str(REPO), "TOOL_CACHE_DIR": str(work / "cache")}
        tool = [sys.executable, "-m", "tool"]
        # The cache as any earlier command leaves it: the server starts from it.
        subprocess.run([*tool, "--root", str(root), "validate"], env=env, capture_output=True)
        started = time.perf_counter()
        client = Client([*tool, "lsp", "--on", TODAY.isoformat()], env)
        params = {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}}
        client.request("initialize", params)
        client.notify("initialized", {})
        interview = sorted((root / "interviews").glob("*.md"))[7]
        person = sorted((root / "people").glob("*.md"))[7]
        results = []
        for name, path, insight in (
            ("the notes of an interview", interview, False),
            ("an insight", interview, True),
            ("the notes of a person", person, False),
        ):
            text = path.read_text("utf-8")
            lines = text.split("\n")
            line = len(lines) * 2 // 3  # in the notes, as most typing is
            if insight:
                heading = lines.index("## Insights")
                line = next(n for n in range(heading, len(lines)) if lines[n].startswith("- "))
            times = keystrokes(client, path.as_uri(), text, args.keystrokes, line)
            if not results:
                ready = time.perf_counter() - started - sum(times)
                print(f"{files:,} files; from start to the first diagnostics: {ready:.1f} s")
            results.append(summary(f"keystroke in {name} to its diagnostics", times))
        print("\n".join(results))
        client.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""LangGraph Studio: langgraph.json's graphs served by a real ``langgraph dev`` on 127.0.0.1, driven through
langgraph-sdk, with a scripted provider model; every outbound connection attempt would be caught by a recording
proxy (telemetry, licence or version checks must be off)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from agentsft.graph import studio

ROOT = Path(__file__).resolve().parents[2]
TESTS = Path(__file__).resolve().parents[1]
NODES = ["propose", "screen", "classify", "instances", "commit"]


# -- the factories without a server --------------------------------------------------------------------------
def test_langgraph_json_points_at_the_factories():
    spec = json.loads((ROOT / "langgraph.json").read_text())
    for graph_id, entry in spec["graphs"].items():
        module, attr = entry["path"].split(":")
        assert module == "agentsft.graph.studio" and getattr(studio, attr).__name__ == graph_id
        assert graph_id in studio.RECIPES
    assert spec["env"]["LANGSMITH_TRACING"] == "false" and spec["env"]["LANGGRAPH_NO_VERSION_CHECK"] == "true"


def test_shape_follows_the_recipe_and_the_settings_win(tmp_path):
    nodes = set(studio.shape_graph("tooluse", studio.StudioSettings()).get_graph().nodes)
    assert {"propose", "screen", "tooluse", "verify", "commit"} <= nodes and "instances" not in nodes
    settings = studio.settings_of({"configurable": {"target": 9, "thread_id": "t1", "lang": "zh"}},
                                  {"target": 3, "provider": "fakes:ScriptedChat", "api_key_env": None})
    cfg = studio.studio_config("default", settings, "t1")
    assert cfg.target == 3 and cfg.lang == "zh" and cfg.out == studio.STUDIO_RUNS / "default" / "t1"
    assert cfg.models["main"].provider == "fakes:ScriptedChat" and cfg.model is None
    assert all(p.exists() for p in studio.studio_config("grow", studio.StudioSettings(), None).seeds)


# -- a real server ------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """A fake HTTP(S) proxy that records every request line it gets and answers nothing useful."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.seen: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.seen.append(conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1"))
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    self.seen.append("(connection)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("studio")
    recorder = Recorder()
    port = _free_port()
    proxy = f"http://127.0.0.1:{recorder.port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LANGSMITH_", "LANGCHAIN_"))}
    env.update(PYTHONPATH=str(TESTS), LANGGRAPH_CLI_NO_ANALYTICS="1",  # the README's one extra variable
               HTTP_PROXY=proxy, HTTPS_PROXY=proxy, ALL_PROXY=proxy, http_proxy=proxy, https_proxy=proxy,
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    cmd = [sys.executable, "-m", "langgraph_cli", "dev", "--host", "127.0.0.1", "--port", str(port),
           "--no-browser", "--no-reload", "--config", str(ROOT / "langgraph.json")]
    log = (work / "server.log").open("w")
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(f"{url}/ok", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail(f"langgraph dev did not start:\n{(work / 'server.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield url, work, recorder
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _recipe(work: Path, seed_file: Path) -> Path:
    path = work / "studio-test.yaml"
    path.write_text(json.dumps({"grow": {"seeds": [str(seed_file)], "batch_size": 2, "concurrency": 2,
                                         "novelty": {"embedder": "off"}}}), encoding="utf-8")
    return path


@pytest.mark.integration
def test_langgraph_dev_runs_a_graph_through_the_sdk(server, seed_file):
    from langgraph_sdk import get_sync_client

    url, work, recorder = server
    client = get_sync_client(url=url)
    assistants = {a["graph_id"]: a["assistant_id"] for a in client.assistants.search(limit=20)}
    assert set(assistants) >= set(studio.RECIPES)
    drawn = client.assistants.get_graph(assistants["grow"])
    expected = {"propose", "instances", "tooluse.verify", "dialogue.dialogue", "commit"}
    assert expected <= {n["id"] for n in drawn["nodes"]}
    schemas = client.assistants.get_schemas(assistants["default"])
    assert {"recipe", "seeds", "target", "base_url", "provider"} <= set(schemas["context_schema"]["properties"])

    out = work / "run"
    context = {"recipe": str(_recipe(work, seed_file)), "provider": "fakes:ScriptedChat", "target": 3,
               "out": str(out)}
    thread = client.threads.create()
    updates = [part.data for part in client.runs.stream(thread["thread_id"], "default", input={}, context=context,
                                                        stream_mode="updates")
               if part.event == "updates"]
    order = [next(iter(u)) for u in updates]
    assert order[:len(NODES)] == NODES and order[-1] == "commit"
    final = client.threads.get_state(thread["thread_id"])["values"]
    assert final["stop"] == "target reached"

    samples = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(samples) == 3 and manifest["status"] == "complete" and manifest["counts"]["consistent"]
    assert manifest["model_id"] == "fakes:ScriptedChat" and samples[0]["provenance"]["model"] == "fakes:ScriptedChat"
    assert not (out / ".lock").exists() or manifest["stop"] == "target reached"

    # the same thread again with a higher target continues the same run directory
    context["target"] = 5
    final = client.runs.wait(thread["thread_id"], "default", input={}, context=context)
    assert final["stop"] == "target reached"
    assert len((out / "samples.jsonl").read_text().splitlines()) == 5

    bad = client.runs.wait(client.threads.create()["thread_id"], "default", input={},
                           context={**context, "provider": "no_such_pkg_xyz:Chat", "out": str(work / "bad")},
                           raise_error=False)
    assert "does not import" in json.dumps(bad) and not (work / "bad").exists()
    assert recorder.seen == [], f"outbound connection attempts: {recorder.seen}"

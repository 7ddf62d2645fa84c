"""Scratch features derived from raw inputs, and the scratch probe beside the frozen probe."""

from __future__ import annotations

import numpy as np
import pytest

from transfer_advisor.domain.metrics import (
    SCRATCH_PERMUTATIONS,
    MetricInputs,
    compute_metrics,
)
from transfer_advisor.domain.summary import Summary
from transfer_advisor.schemas.assess import DatasetSpec
from transfer_advisor.services import scratch_features as sf
from transfer_advisor.services.scratch_features import (
    char_ngram_tfidf,
    derive_scratch_features,
    pixel_features,
)

TEXTS = ["the cat sat", "THE CAT SAT", "a dog", "", "the cat ran", "ünïcödé ✓ \ud800"]


class TestCharNgramTfidf:
    def test_rows_are_l2_normalised_and_empty_text_is_zero(self) -> None:
        x = char_ngram_tfidf(TEXTS)
        assert x.shape == (len(TEXTS), 4096)
        norms = np.linalg.norm(x, axis=1)
        np.testing.assert_allclose(norms[[0, 1, 2, 4, 5]], 1.0, rtol=1e-12)
        assert norms[3] == 0.0
        assert (x >= 0).all()

    def test_deterministic_and_stable_across_releases(self) -> None:
        x = char_ngram_tfidf(TEXTS)
        np.testing.assert_array_equal(x, char_ngram_tfidf(list(TEXTS)))
        # The hash is part of the stored evidence's meaning: pinned, so a change is deliberate.
        assert np.flatnonzero(char_ngram_tfidf(["ab"])[0]).tolist() == [628, 1904, 2158]

    def test_case_is_kept(self) -> None:
        x = char_ngram_tfidf(TEXTS)
        assert float(x[0] @ x[1]) < 0.5

    def test_ngrams_stay_inside_their_text(self) -> None:
        x = char_ngram_tfidf(["ab", "c"])
        assert np.count_nonzero(x[0]) == 3  # a, b, ab (no "bc")
        assert np.count_nonzero(x[1]) == 1

    def test_first_rows_with_idf_from_all_texts(self) -> None:
        full = char_ngram_tfidf(TEXTS)
        np.testing.assert_array_equal(char_ngram_tfidf(TEXTS, 2), full[:2])
        # idf comes from every target text, not only from the rows derived.
        alone = char_ngram_tfidf(TEXTS[:1])
        assert not np.allclose(alone[0], full[0])

    def test_chunks_give_the_same_rows(self, monkeypatch: pytest.MonkeyPatch) -> None:
        rng = np.random.default_rng(0)
        texts = ["".join(rng.choice(list("abcdXYZ "), int(k))) for k in rng.integers(0, 40, 50)]
        whole = char_ngram_tfidf(texts, 30)
        monkeypatch.setattr(sf, "_CHUNK_VALUES", 25)
        np.testing.assert_array_equal(char_ngram_tfidf(texts, 30), whole)


class TestPixelFeatures:
    @pytest.mark.parametrize(("shape", "dim"), [
        ((3, 28, 28, 1), 784), ((3, 64, 64, 1), 1024), ((2, 224, 224, 3), 18 * 18 * 3),
        ((2, 32, 32, 3), 16 * 16 * 3), ((2, 28, 28), 784), ((1, 2, 2, 3000), 1000)])
    def test_at_most_1024_values_per_image(self, shape: tuple[int, ...], dim: int) -> None:
        images = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
        x = pixel_features(images)
        assert x.shape == (shape[0], dim)
        assert x.min() >= 0.0
        assert x.max() <= 1.0

    def test_small_images_are_the_scaled_pixels(self) -> None:
        images = np.random.default_rng(1).integers(0, 256, size=(4, 8, 8, 1), dtype=np.uint8)
        np.testing.assert_allclose(pixel_features(images), images.reshape(4, -1) / 255.0)

    def test_block_means_with_ragged_edges(self) -> None:
        image = np.arange(25, dtype=np.float32).reshape(1, 5, 5, 1)
        x = pixel_features(image, max_values=4)  # f = 3: blocks 3×3, 3×2, 2×3, 2×2
        grid = np.arange(25.0).reshape(5, 5) / 24.0
        expected = [grid[:3, :3].mean(), grid[:3, 3:].mean(), grid[3:, :3].mean(),
                    grid[3:, 3:].mean()]
        np.testing.assert_allclose(x[0], expected)

    def test_float_images_scaled_min_max(self) -> None:
        images = np.array([[[[-2.0]], [[6.0]]]], dtype=np.float32)  # (1, 2, 1, 1)
        np.testing.assert_allclose(pixel_features(images), [[0.0, 1.0]])

    def test_chunks_give_the_same_rows(self, monkeypatch: pytest.MonkeyPatch) -> None:
        images = np.random.default_rng(2).integers(0, 256, size=(7, 40, 40, 1), dtype=np.uint8)
        whole = pixel_features(images)
        monkeypatch.setattr(sf, "_CHUNK_VALUES", 3000)
        np.testing.assert_array_equal(pixel_features(images), whole)


class TestDerive:
    def spec(self, **fields: object) -> DatasetSpec:
        return DatasetSpec.model_validate({"name": "t", "inputs": {"texts": TEXTS}, **fields})

    def test_labeled_rows_only(self) -> None:
        derived = derive_scratch_features(self.spec(labels=[0, 1, 0]), TEXTS, 10**9)
        assert derived is not None
        assert derived.origin == "char-ngram-tfidf"
        assert derived.rows.shape == (3, 4096)
        images = np.zeros((5, 28, 28, 1), dtype=np.uint8)
        derived = derive_scratch_features(self.spec(labels=[0, 1]), images, 10**9)
        assert derived is not None
        assert (derived.origin, derived.rows.shape) == ("pixels", (2, 784))

    def test_nothing_without_labels_beside_client_features_or_over_max_cells(self) -> None:
        assert derive_scratch_features(self.spec(), TEXTS, 10**9) is None
        sent = self.spec(labels=[0, 1], scratch_features=[[0.0], [1.0]])
        assert derive_scratch_features(sent, TEXTS, 10**9) is None
        assert derive_scratch_features(self.spec(labels=[0, 1]), TEXTS, 4096) is None


def probe_inputs(x_scratch: np.ndarray | None, permutations: int = 30) -> MetricInputs:
    rng = np.random.default_rng(3)
    y = np.arange(45) % 3
    x = rng.normal(size=(60, 5))
    return MetricInputs(Summary.from_rows(x), Summary.from_rows(x, y, 3), x, x, None, y,
                        num_classes=3, permutations=permutations, seed=7, x_scratch=x_scratch,
                        scratch_from=None if x_scratch is None else "client")


class TestScratchProbe:
    def test_same_rows_and_folds_as_the_frozen_probe(self) -> None:
        inputs = probe_inputs(None)
        same = probe_inputs(inputs.x_target)
        run = compute_metrics(same, ["linear_probe_accuracy", "scratch_probe_accuracy"])
        frozen, scratch = (run.results[k] for k in ("linear_probe_accuracy",
                                                    "scratch_probe_accuracy"))
        assert scratch.value == frozen.value
        for key in ("chance", "folds", "n", "scheme"):
            assert scratch.details[key] == frozen.details[key]
        assert scratch.details["scratch_features_from"] == "client"

    def test_knn_on_the_same_rows_and_folds(self) -> None:
        inputs = probe_inputs(None)
        same = probe_inputs(inputs.x_target)
        run = compute_metrics(same, ["knn_accuracy", "scratch_knn_accuracy"])
        frozen, scratch = (run.results[k] for k in ("knn_accuracy", "scratch_knn_accuracy"))
        assert scratch.value == frozen.value
        for key in ("chance", "folds", "n", "scheme"):
            assert scratch.details[key] == frozen.details[key]

    def test_permutations_capped(self) -> None:
        inputs = probe_inputs(np.random.default_rng(0).normal(size=(60, 4)), permutations=500)
        result = compute_metrics(inputs, ["scratch_probe_accuracy"]).results
        assert result["scratch_probe_accuracy"].details["permutations"] == SCRATCH_PERMUTATIONS

    def test_omitted_naming_the_field(self) -> None:
        run = compute_metrics(probe_inputs(None), ["scratch_probe_accuracy"])
        assert "target.scratch_features" in run.omitted["scratch_probe_accuracy"]
        unlabeled = probe_inputs(np.ones((60, 2)))
        unlabeled = MetricInputs(unlabeled.source, unlabeled.target, unlabeled.x_source,
                                 unlabeled.x_target, x_scratch=unlabeled.x_scratch)
        run = compute_metrics(unlabeled, ["scratch_probe_accuracy"])
        assert "labels" in run.omitted["scratch_probe_accuracy"]
        constant = compute_metrics(probe_inputs(np.ones((60, 2))), ["scratch_probe_accuracy"])
        assert "constant" in constant.omitted["scratch_probe_accuracy"]

"""Cross-modal: a source network of one modality applied to another (the seed's negative case).

- cross-speechcnn-digits: the speech CNN (speech.py) on scikit-learn's 8x8 digits, upscaled to
  the 40 x 40 spectrogram grid and mapped into its log-mel value range. Fine-tune measured.
- cross-resnet-spectrograms: the open_nsfw ResNet-50 (natimg.py) on the speech-new-words
  log-mel spectrograms rendered as grey images; scratch sees the spectrograms as speech.py does.
- cross-resnet-signal-plots: the ResNet on line plots (64 x 64) of the signal-ecg-rhythm series;
  scratch sees the 256 samples (logistic regression, the 1-D CNN from random init).
- cross-textenc-tabular: all-MiniLM-L6-v2 (textenc.py) on table rows written as text
  ("alcohol: 13.2; malic acid: 1.78; ..."), scikit-learn's wine and breast-cancer tables;
  scratch = the better of logistic regression on the numeric columns and TF-IDF on the text.
Feature extraction only where the source is the ResNet or MiniLM (as in natimg.py / textenc.py).
Wall time, measured 2026-12 on 2 CPU cores shared with other jobs (load 10-13; nice 15, one thread;
CPU time is roughly a fifth of it): ~12 min for the group, reusing the speech,
signals and natimg caches (alone it first builds their sources and data): measurement
speechcnn-digits 4.1 min, textenc-tabular 1.2 (+ embeddings), resnet-signal-plots 1.4 (+ 800
ResNet images), resnet-spectrograms 1.0 (+ 1,400 ResNet images).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import common, natimg, nets, signals, speech, textenc, truth


def _digits_as_spectrograms(src_x: np.ndarray) -> dict[str, np.ndarray]:
    from PIL import Image
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    lo, hi = np.percentile(src_x, 1), np.percentile(src_x, 99)
    big = np.stack([np.asarray(Image.fromarray((im.reshape(8, 8) * 16).clip(0, 255).astype(np.uint8))
                               .resize((speech.N_FRAMES, speech.N_MELS), Image.Resampling.BILINEAR))
                    for im in x]).astype(np.float32) / 255.0
    return {"x": (lo + big * (hi - lo))[..., None].astype(np.float32), "pixels": x.astype(np.float32),
            "y": y.astype(np.int64)}


def speechcnn_digits(ctx: common.Context) -> None:
    fam = "cross-speechcnn-digits"
    net, make, src, onnx_path, src_acc = speech.source(ctx)
    data = ctx.cached(fam, lambda: _digits_as_spectrograms(src["x"]))
    pool, test = common.stratified_split(data["y"], 70, seed=8)
    x, y = data["x"], data["y"]
    task, f_pool = common.own_net_task(
        make=make, net=net, onnx_path=onnx_path, input_name=speech.INPUT, x_pool=x[pool], y_pool=y[pool],
        x_test=x[test], y_test=y[test], num_classes=10, raw_linear=data["pixels"][pool],
        raw_linear_test=data["pixels"][test], raw_name="logreg_pixels",
        how="Raw input: sklearn 8x8 digits (linear scratch learner: the 64 pixels), fed to the speech CNN "
            "upscaled to 40x40 in the log-mel value range. Networks: the speech CNN.")
    spec = common.Spec(
        family=fam, base_id=fam, description="scikit-learn 8x8 digits through the speech-command CNN",
        source_modality="audio", target_modality="image",
        source_name="speech-cnn (espeak-ng command words, 12 voices)", target_name="skdigits-as-spectrogram",
        source_embeddings=common.onnx_features(onnx_path, src["x"], speech.INPUT), source_labels=src["y"],
        pool_embeddings=f_pool, raw_arrays={speech.INPUT: x[pool]}, scratch_features=data["pixels"][pool],
        extractor_onnx=onnx_path,
        extractor_spec=common.extractor_spec(speech.INPUT, [None, speech.N_MELS, speech.N_FRAMES, 1],
                                             "NHWC", nets.FEATURES, speech.SPEC_NOTE),
        extra_meta={"source_description": f"speech CNN, held-out accuracy {src_acc:.3f} on its words",
                    "raw_note": "the 8x8 digits upscaled to 40x40 and scaled into the log-mel range"})
    common.emit(ctx, spec, task, (1, 3, 10, 30, 100))


def _grey_u8(x: np.ndarray) -> np.ndarray:
    lo, hi = np.percentile(x, 1), np.percentile(x, 99)
    return ((x - lo) / (hi - lo) * 255).clip(0, 255).astype(np.uint8)


def resnet_spectrograms(ctx: common.Context) -> None:
    fam = "cross-resnet-spectrograms"
    data = ctx.cached("speech-new-words", lambda: speech.make_set(
        speech.balanced_items(10, speech.POOL_PER_CLASS + speech.TEST_PER_CLASS,
                              lambda c, _r: speech.WORDS_B[c],
                              speech.pick(speech.VOICES_A + speech.VOICES_B), seed=101),
        seed=201, snr_db=30.0))
    x, y = data["x"], data["y"]
    images = _grey_u8(x[:, ::-1])          # low frequencies at the bottom, as a spectrogram is drawn
    feats = ctx.cached(f"{fam}-resnet", lambda: {"f": natimg.resnet_features(ctx, images)})["f"]
    pool, test = common.stratified_split(y, speech.TEST_PER_CLASS, seed=301)
    make = speech.make_factory(float(x.mean()), float(x.std()))
    task = truth.Task(
        y_pool=y[pool], y_test=y[test], num_classes=10,
        scratch=[truth.LinearProbe("logreg_spectrogram", x[pool].reshape(len(pool), -1),
                                   x[test].reshape(len(test), -1), 10),
                 truth.NetLearner("cnn_random_init", make, x[pool], x[test], 10)],
        feature_extraction=truth.LinearProbe("logreg_frozen_features", feats[pool], feats[test], 10),
        how="Raw input: log-mel spectrograms of the 10 digit words (speech.py); the ResNet sees them as "
            "grey 40x40 images (1st-99th percentile -> 0-255) resized to 224. Scratch CNN: the speech CNN "
            "from random init. fine_tune not measured (ResNet-50 on CPU).")
    _resnet_spec_emit(ctx, fam, "spoken digit words (espeak-ng) as spectrogram images through a photo CNN",
                      "audio", images[pool], feats[pool], task, x[pool].reshape(len(pool), -1))


def _resnet_spec_emit(ctx: common.Context, fam: str, desc: str, target_modality: str, raw: np.ndarray,
                      f_pool: np.ndarray, task: truth.Task, scratch: np.ndarray) -> None:
    src = ctx.cached("natimg-source", natimg.source_set)
    src_f = ctx.cached("natimg-source-resnet", lambda: {"f": natimg.resnet_features(ctx, src["x"])})["f"]
    spec = common.Spec(
        family=fam, base_id=fam, description=desc, source_modality="image", target_modality=target_modality,
        source_name="open-nsfw-resnet50 (photo crops as the source proxy)",
        target_name=fam.removeprefix("cross-"),
        source_embeddings=src_f, source_labels=src["y"], pool_embeddings=f_pool,
        raw_arrays={"images": raw}, scratch_features=scratch,
        extra_meta={**natimg.resnet_meta(ctx), "source_description": "open_nsfw ResNet-50; source rows = 420 "
                    "crops of 7 photos"})
    common.emit(ctx, spec, task, (1, 3, 10, 30, 100), fine_tune=False)


def _plot(series: np.ndarray, side: int = 64) -> np.ndarray:
    """A black line on white, the series scaled to the image height."""
    img = np.full((side, side), 255, dtype=np.uint8)
    s = np.interp(np.linspace(0, len(series) - 1, side), np.arange(len(series)), series)
    rows = ((s - s.min()) / (np.ptp(s) + 1e-9) * (side - 5) + 2).astype(int)
    for col in range(side):
        lo, hi = sorted((rows[col], rows[max(col - 1, 0)]))
        img[side - 1 - hi: side - lo, col] = 0
    return img[..., None]


def resnet_signal_plots(ctx: common.Context) -> None:
    fam = "cross-resnet-signal-plots"
    data = ctx.cached("signal-ecg-rhythm", lambda: signals.make_set(
        signals.ECG, signals.POOL_PER_CLASS + signals.TEST_PER_CLASS, seed=51))
    x, y = data["x"], data["y"]
    images = np.stack([_plot(s[:, 0]) for s in x])
    feats = ctx.cached(f"{fam}-resnet", lambda: {"f": natimg.resnet_features(ctx, images)})["f"]
    pool, test = common.stratified_split(y, signals.TEST_PER_CLASS, seed=61)
    make = functools.partial(nets.cnn1d, length=signals.L, shift=0.0, scale=float(x.std()))
    task = truth.Task(
        y_pool=y[pool], y_test=y[test], num_classes=5,
        scratch=[truth.LinearProbe("logreg_samples", x[pool, :, 0], x[test, :, 0], 5),
                 truth.NetLearner("cnn1d_random_init", make, x[pool], x[test], 5)],
        feature_extraction=truth.LinearProbe("logreg_frozen_features", feats[pool], feats[test], 5),
        how="Raw input: 256-sample ECG-like series (signals.py); the ResNet sees 64x64 line plots of them "
            "resized to 224. Scratch: logistic regression on the samples, the 1-D CNN from random init. "
            "fine_tune not measured (ResNet-50 on CPU).")
    _resnet_spec_emit(ctx, fam, "ECG-like rhythm series drawn as line plots through a photo CNN",
                      "time_series", images[pool], feats[pool], task, x[pool, :, 0])


def _row_text(names: list[str], row: np.ndarray) -> str:
    return "; ".join(f"{n.replace('_', ' ')}: {v:.4g}" for n, v in zip(names, row, strict=True))


def textenc_tabular(ctx: common.Context) -> None:
    from sklearn.datasets import load_breast_cancer, load_wine

    fam = "cross-textenc-tabular"
    src = textenc.source_side(ctx)
    tables = [("wine", load_wine, 20, (1, 3, 10, 25)),
              ("breast-cancer", load_breast_cancer, 80, (1, 3, 10, 30, 100))]
    for name, loader, test_per_class, per_class in tables:
        bunch: Any = loader()
        x, y = bunch.data.astype(np.float32), bunch.target.astype(np.int64)
        texts = [_row_text(list(bunch.feature_names), r) for r in x]
        feats = ctx.cached(f"{fam}-{name}-minilm", lambda t=texts: {"f": textenc.embed(t)})["f"]
        pool, test = common.stratified_split(y, test_per_class, seed=9)
        classes = int(y.max()) + 1
        task = textenc.text_task(
            texts, y, pool, test, feats,
            how="Raw input: table rows written as 'column: value; ...' text (4 significant digits). "
                "Scratch also tries logistic regression on the numeric columns. Frozen features: "
                "all-MiniLM-L6-v2. fine_tune not measured.",
            extra_scratch=[truth.LinearProbe("logreg_columns", x[pool], x[test], classes)])
        spec = common.Spec(
            family=fam, base_id=f"{fam}-{name}", description=f"scikit-learn {name} table rows as text "
            "through a sentence encoder", source_modality="text", target_modality="tabular",
            source_name="all-minilm-l6-v2 (stdlib docstring sentences as the source proxy)",
            target_name=f"{name}-rows-as-text", source_embeddings=src, source_labels=None,
            pool_embeddings=feats[pool], raw_texts=[texts[i] for i in pool], scratch_features=x[pool],
            extra_meta={**textenc.MINILM_META, "columns": list(bunch.feature_names)})
        common.emit(ctx, spec, task, per_class, fine_tune=False)


def build(ctx: common.Context) -> None:
    for fam, fn in [("cross-speechcnn-digits", speechcnn_digits), ("cross-textenc-tabular", textenc_tabular),
                    ("cross-resnet-signal-plots", resnet_signal_plots),
                    ("cross-resnet-spectrograms", resnet_spectrograms)]:
        if common.wanted(ctx, fam):
            fn(ctx)

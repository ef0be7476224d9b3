"""Scratch probe: how long do the reference Keras models take on this CPU, and how good are they?

Not a test.  Each (model, variant, seed) run happens in a fresh Python
process, as a grader would run a student's notebook, so every row includes
the cost of importing TensorFlow and of tracing the first ``fit``.  The
parent collects each child's stderr to show which log lines leak.

    PYTHONPATH=datasets DEEPGRADE_DATA=../shared/data DEEPGRADE_OFFLINE=1 \\
        .venv/bin/python benchmarks/keras_reference_probe.py [--models mlp,cnn,lstm] \\
        [--seeds 0,1,2] [--variants reference,one_epoch,tiny_lr] [--repeat] [--json out.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter

MODELS = ("mlp", "cnn", "lstm")
VARIANTS = ("reference", "one_epoch", "tiny_lr")

# Training settings of the reference models: epochs, batch size, learning rate.
SETTINGS = {
    "mlp": {"epochs": 15, "batch_size": 64, "lr": 1e-3},
    "cnn": {"epochs": 10, "batch_size": 64, "lr": 1e-3},
    "lstm": {"epochs": 4, "batch_size": 64, "lr": 1e-3},
}


def quiet_env(env: dict[str, str]) -> dict[str, str]:
    """Environment that keeps TF's C++ logging quiet.

    Findings (TF 2.21, Keras 3.15): ``TF_CPP_MIN_LOG_LEVEL=3`` silences the
    ``cpu_feature_guard`` banner and the tf.data "NodeDef mentions attribute
    use_unbounded_threadpool" E-line printed at each fit/predict.  Still
    leaking (twice per import): "WARNING: All log messages before
    absl::InitializeLog() ..." + "port.cc:153] oneDNN custom operations are
    on ...".  Only ``TF_ENABLE_ONEDNN_OPTS=0`` removes those (stderr then
    empty), at the cost of different floating-point results.
    """
    env = dict(env)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


# ---------------------------------------------------------------- child side


def build_model(kind: str, keras, vocab_size: int = 0, maxlen: int = 0):
    """The reference architectures."""
    layers = keras.layers
    if kind == "mlp":
        return keras.Sequential([
            keras.Input(shape=(784,)),
            layers.Dense(256, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(10, activation="softmax"),
        ])
    if kind == "cnn":
        return keras.Sequential([
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ])
    if kind == "lstm":
        return keras.Sequential([
            keras.Input(shape=(maxlen,), dtype="int32"),
            layers.Embedding(vocab_size, 32),
            layers.LSTM(32),
            layers.Dense(1, activation="sigmoid"),
        ])
    raise ValueError(kind)


def child(kind: str, variant: str, seed: int) -> dict:
    """One training run; returns the measurements."""
    t0 = time.perf_counter()
    import tensorflow as tf
    t1 = time.perf_counter()
    import keras
    t2 = time.perf_counter()
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
    tf.get_logger().setLevel("ERROR")

    import numpy as np
    from deepgrade_datasets import load_mnist, load_movie_reviews

    t3 = time.perf_counter()
    if kind == "lstm":
        data = load_movie_reviews()
        (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = data
        loss = "binary_crossentropy"
    else:
        (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = load_mnist()
        shape = (-1, 784) if kind == "mlp" else (-1, 28, 28, 1)
        x_tr, x_va, x_te = (a.reshape(shape) for a in (x_tr, x_va, x_te))
        loss = "sparse_categorical_crossentropy"
    load_s = time.perf_counter() - t3

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    settings = dict(SETTINGS[kind])
    if variant == "one_epoch":
        settings["epochs"] = 1
    elif variant == "tiny_lr":
        settings["lr"] /= 100
    if kind == "lstm":
        model = build_model(kind, keras, data.vocab_size, data.maxlen)
    else:
        model = build_model(kind, keras)
    model.compile(optimizer=keras.optimizers.Adam(settings["lr"]), loss=loss, metrics=["accuracy"])

    load_before = os.getloadavg()[0]
    c4, t4 = time.process_time(), time.perf_counter()
    history = model.fit(
        x_tr, y_tr, validation_data=(x_va, y_va),
        epochs=settings["epochs"], batch_size=settings["batch_size"], verbose=0,
    )
    fit_s, fit_cpu_s = time.perf_counter() - t4, time.process_time() - c4

    t5 = time.perf_counter()
    proba = model.predict(x_te, verbose=0)
    predict_s = time.perf_counter() - t5
    pred = (proba[:, 0] > 0.5).astype(int) if kind == "lstm" else proba.argmax(axis=1)
    return {
        "model": kind, "variant": variant, "seed": seed, **settings,
        "params": int(model.count_params()),
        "import_tf_s": t1 - t0, "import_keras_s": t2 - t1, "load_data_s": load_s,
        "fit_s": fit_s, "fit_cpu_s": fit_cpu_s, "predict_s": predict_s,
        "loadavg_1min": load_before,
        "val_acc": float(history.history["val_accuracy"][-1]),
        "test_acc": float(np.mean(pred == y_te)),
        "pred_sha": hashlib.sha256(np.ascontiguousarray(proba).tobytes()).hexdigest()[:12],
    }


# --------------------------------------------------------------- parent side

_NOISE_PREFIX = re.compile(r"^[IWEF]\d{4} [\d:.]+\s+\d+ ")  # absl prefix: I0000 00:00:123.45  999


def run_one(kind: str, variant: str, seed: int) -> tuple[dict, list[str]]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, variant, str(seed)],
        capture_output=True, text=True, env=quiet_env(os.environ),
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        raise RuntimeError(f"child {kind}/{variant}/{seed} failed:\n{proc.stderr[-4000:]}")
    leaked = [_NOISE_PREFIX.sub("", ln)[:160] for ln in proc.stderr.splitlines() if ln.strip()]
    return json.loads(lines[-1]), leaked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", nargs=3, metavar=("MODEL", "VARIANT", "SEED"), help=argparse.SUPPRESS)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--repeat", action="store_true", help="run seed 0 reference twice to check determinism")
    parser.add_argument("--json", help="also write all rows to this file")
    args = parser.parse_args()

    if args.child:
        kind, variant, seed = args.child
        print(json.dumps(child(kind, variant, int(seed))))
        return

    rows, leaks = [], Counter()
    plan = [(m, v, int(s)) for m in args.models.split(",") for v in args.variants.split(",")
            for s in args.seeds.split(",")]
    if args.repeat:
        plan += [(m, "reference", 0) for m in args.models.split(",")]
    header = f"{'model':5} {'variant':9} {'seed':>4} {'ep':>3} {'lr':>7} {'import':>7} {'fit_s':>7} {'cpu_s':>6} {'pred_s':>6} {'load':>5} {'val':>6} {'test':>6} pred_sha"
    print(header, flush=True)
    for kind, variant, seed in plan:
        row, leaked = run_one(kind, variant, seed)
        leaks.update(leaked)
        rows.append(row)
        print(f"{kind:5} {variant:9} {seed:4d} {row['epochs']:3d} {row['lr']:7.0e} {row['import_tf_s']:7.2f} "
              f"{row['fit_s']:7.2f} {row['fit_cpu_s']:6.1f} {row['predict_s']:6.2f} {row['loadavg_1min']:5.1f} "
              f"{row['val_acc']:6.3f} {row['test_acc']:6.3f} "
              f"{row['pred_sha']}", flush=True)
    print("\nstderr lines seen (count x line):")
    for line, count in leaks.most_common():
        print(f"  {count:3d} x {line}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()

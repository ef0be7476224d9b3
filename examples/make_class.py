"""Build the example class in examples/class/ from the release and the solutions.

Three students, one notebook per exercise, in nbgrader's submitted layout
(class/<student>/<exercise>/<exercise>.ipynb):

* ada  fills in every answer correctly (the reference solutions);
* ben  fills in every answer, with a few typical mistakes;
* cleo hands in the release untouched.

Run it again after changing the exercises: ``python examples/make_class.py``.
"""

from pathlib import Path

from autograder.course import Course
from autograder.release.fill import fill_notebook, write_notebook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "class"

# Ben's answers, by nbgrader grade_id; his other answers are right.
BEN = {
    "ex01_sigmoid": {
        "predict-no-hidden": "def predict_no_hidden(X, W, b):\n    return sigmoid(X @ W)  # forgot the bias\n",
        "p-fake": "p_fake = 1 / (1 + np.exp(1.52))  # sign of z\n",
    },
    "ex02_forward_pass": {
        "predict-two-hidden": (
            "def predict_two_hidden(X, W1, b1, W2, b2, W3, b3):\n"
            "    hidden1 = sigmoid(X @ W1 + b1)\n"
            "    hidden2 = hidden1 @ W2 + b2  # no activation\n"
            "    return sigmoid(hidden2 @ W3 + b3)\n"),
        "build-keras": (  # the output layer without its sigmoid
            "def build_keras_no_hidden():\n"
            "    return keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1, activation='sigmoid')])\n\n\n"
            "def build_keras_hidden(n_hidden=8):\n"
            "    return keras.Sequential([keras.Input(shape=(2,)), layers.Dense(n_hidden, activation='sigmoid'),\n"
            "                             layers.Dense(1)])\n"),
    },
    "ex03_decision_boundary": {
        "decision-boundary": "def decision_boundary(b0, b1, b2):\n    return (-b1 / b2, -b0 / b2)\n",
        "predict-class": (
            "def predict_class(X, b0, b1, b2):\n"
            "    return (b0 + b1 * X[:, 0] + b2 * X[:, 1] >= 0.5).astype(int)\n"),
    },
    "ex08_perceptron": {
        "perceptron-fit": (  # the bias is never updated
            "def perceptron_fit(X, y, epochs=10, lr=1.0):\n"
            "    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)\n"
            "    w, b = np.zeros(X.shape[1]), 0.0\n"
            "    for epoch in range(epochs):\n"
            "        for x_i, y_i in zip(X, y):\n"
            "            w = w + lr * (y_i - heaviside(x_i @ w + b)) * x_i\n"
            "    return w, b\n"),
    },
    "ex09_one_vs_all": {
        "vote": (  # down the columns: one "vote" per classifier
            "def vote(confidences):\n"
            "    return np.argmax(confidences, axis=0)\n"),
    },
    "ex10_fine_tuning": {
        "fine-tune": (  # the reused layers are trained too (no base.trainable = False)
            "def fine_tune(base, x_train, y_train, x_val, y_val):\n"
            "    model = keras.Sequential(base.layers[:-2] + [\n"
            "        layers.Dense(256, activation='relu'),\n"
            "        layers.Dropout(0.5),\n"
            "        layers.Dense(5, activation='softmax'),\n"
            "    ])\n"
            "    model.compile(loss='sparse_categorical_crossentropy', optimizer='adam', metrics=['accuracy'])\n"
            "    model.fit(x_train, y_train, batch_size=32, epochs=3, validation_data=(x_val, y_val), verbose=0)\n"
            "    return model\n"),
    },
    "ex04_nll": {
        "nll-binary": (
            "def nll_binary(y, p):\n"
            "    p = np.clip(p, EPSILON, 1 - EPSILON)\n"
            "    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))\n"),
    },
    "ex05_mlp": {  # one epoch of plain SGD: under-trained
        "train-mlp": (
            "def train_mlp(x_train, y_train, x_val, y_val):\n"
            "    model = keras.Sequential([keras.Input(shape=(784,)),\n"
            "                              layers.Dense(64, activation='relu'),\n"
            "                              layers.Dense(10, activation='softmax')])\n"
            "    model.compile(loss='sparse_categorical_crossentropy', optimizer='sgd', metrics=['accuracy'])\n"
            "    model.fit(x_train, y_train, epochs=1, verbose=0)\n"
            "    return model\n"),
    },
    "ex06_cnn": {  # a "CNN" without a convolution
        "train-cnn": (
            "def train_cnn(x_train, y_train, x_val, y_val):\n"
            "    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Flatten(),\n"
            "                              layers.Dense(128, activation='relu'),\n"
            "                              layers.Dense(10, activation='softmax')])\n"
            "    model.compile(loss='sparse_categorical_crossentropy', optimizer='adam', metrics=['accuracy'])\n"
            "    model.fit(x_train, y_train, epochs=5, verbose=0)\n"
            "    return model\n"),
    },
    "ex07_lstm": {  # Keras 1 spelling copied from the slides
        "train-lstm": (
            "def train_lstm(x_train, y_train, x_val, y_val):\n"
            "    model = keras.Sequential([keras.Input(shape=(MAXLEN,), dtype='int32'),\n"
            "                              layers.Embedding(NUM_WORDS, 32), layers.LSTM(32),\n"
            "                              layers.Dense(1, activation='sigmoid')])\n"
            "    model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])\n"
            "    model.fit(x_train, y_train, batch_size=64, nb_epoch=4)\n"
            "    return model\n"),
    },
}


def main() -> None:
    course = Course(ROOT)
    for name in course.exercise_names:
        ex = course.exercise(name)
        notebooks = {
            "ada": fill_notebook(ex.student_notebook, ex.solution_notebook),
            "ben": fill_notebook(ex.student_notebook, ex.solution_notebook, BEN.get(name, {})),
            "cleo": fill_notebook(ex.student_notebook),
        }
        for student, nb in notebooks.items():
            write_notebook(nb, OUT / student / name / f"{name}.ipynb")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

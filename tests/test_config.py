"""course_utils.config: profiles, seeding and the environment report."""

import sys

import numpy as np
import pytest

from course_utils import config

pytestmark = pytest.mark.unit


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ("COURSE_PROFILE", "CI", "NBGRADER_EXECUTION"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_profile_is_full_by_default(clean_environment):
    assert config.profile() == "full"


@pytest.mark.parametrize("variable", ["CI", "NBGRADER_EXECUTION"])
def test_profile_is_fast_under_ci_or_the_autograder(clean_environment, variable):
    clean_environment.setenv(variable, "autograde")
    assert config.profile() == "fast"


def test_course_profile_overrides_ci(clean_environment):
    clean_environment.setenv("CI", "true")
    clean_environment.setenv("COURSE_PROFILE", "FULL")
    assert config.profile() == "full"


def test_unknown_course_profile_is_an_error(clean_environment):
    clean_environment.setenv("COURSE_PROFILE", "quick")
    with pytest.raises(ValueError, match="'full' or 'fast'"):
        config.profile()


def test_pick_follows_the_profile(clean_environment):
    assert config.pick(full=20, fast=2) == 20
    clean_environment.setenv("COURSE_PROFILE", "fast")
    assert config.pick(full=20, fast=2) == 2


def test_importing_course_utils_quiets_tensorflow_before_it_loads():
    import os

    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] in {"2", "3"}
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"


def test_seed_everything_makes_keras_initialisation_repeatable():
    import keras

    def weights():
        config.seed_everything(7)
        layer = keras.layers.Dense(3)
        layer.build((None, 4))
        return layer.kernel.numpy()

    np.testing.assert_array_equal(weights(), weights())


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_seed_everything_rejects_a_bad_seed(seed):
    with pytest.raises(TypeError, match="non-negative int"):
        config.seed_everything(seed)


def test_report_prints_one_line_with_versions_device_and_profile(clean_environment, capsys):
    line = config.report()
    out = capsys.readouterr().out
    assert out.strip() == line
    assert "TensorFlow" in line and "Keras" in line and "CPU" in line and "profile full" in line


def test_stale_packages_names_a_module_loaded_at_another_version(monkeypatch):
    fake = type(sys)("numpy")
    fake.__version__ = "0.0.1"
    monkeypatch.setitem(sys.modules, "numpy", fake)
    assert config.stale_packages(("numpy",)) == [
        f"numpy 0.0.1 is loaded but {np.__version__} is installed"
    ]


@pytest.fixture
def restore_precision_policy():
    import keras

    policy = keras.mixed_precision.global_policy()
    yield
    keras.mixed_precision.set_global_policy(policy)


def test_configure_device_keeps_float32_and_no_xla_on_a_cpu(restore_precision_policy):
    import keras
    import tensorflow as tf

    keras.mixed_precision.set_global_policy("mixed_float16")
    assert config.configure_device().startswith("CPU")
    assert keras.mixed_precision.global_policy().name == "float32"
    assert not tf.config.optimizer.get_jit()


def test_configure_device_turns_on_mixed_precision_and_memory_growth_on_a_gpu(
    monkeypatch, restore_precision_policy
):
    import keras
    import tensorflow as tf

    gpu = tf.config.PhysicalDevice(name="/physical_device:GPU:0", device_type="GPU")
    grown = []
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [gpu])
    monkeypatch.setattr(
        tf.config.experimental, "set_memory_growth", lambda device, on: grown.append((device, on))
    )
    monkeypatch.setattr(
        tf.config.experimental, "get_device_details", lambda device: {"device_name": "Tesla T4"}
    )
    assert config.configure_device() == "GPU (Tesla T4)"
    assert keras.mixed_precision.global_policy().name == "mixed_float16"
    assert grown == [(gpu, True)]


def test_models_keep_their_softmax_in_float32_under_mixed_precision(restore_precision_policy):
    import keras

    from course_utils import models

    keras.mixed_precision.set_global_policy("mixed_float16")
    for model in (models.make_linear_classifier(), models.make_mlp((8,)), models.make_cnn()):
        assert model.layers[1].compute_dtype == "float16"
        assert model.output.dtype == "float32"

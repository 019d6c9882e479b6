# Digits: `make book` builds the book, `make test` runs every check. Both create .venv first.
SHELL := /bin/bash
VENV := .venv
BIN := $(abspath $(VENV))/bin
PYTHON := $(BIN)/python

# TensorFlow must not write to stderr in graded or rendered cells; nbgrader needs `alembic` on PATH.
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export PATH := $(BIN):$(PATH)

.PHONY: venv book book-instructor test test-quick test-gpu lint release chromium bubblewrap slurm bench bench-chapters bench-grading bench-crossing clean

venv: $(VENV)/.installed

# Two distributions, both installed editable: course-utils (pyproject.toml, what students install)
# and course-grading (grading/pyproject.toml, the instructors' `course` command). Users get
# `tensorflow` from pyproject.toml; here we install `tensorflow-cpu` instead when there is no NVIDIA
# GPU, so that one environment never holds both, and `tensorflow[and-cuda]` (CUDA from PyPI) when
# there is one. uv installs them: it downloads in parallel and compiles the bytecode on every core,
# 25 s for what pip took 60 s to install (the first run of `make book` or `make test` waits for it).
UV_PIP = $(BIN)/uv pip $(1) --quiet --python $(PYTHON)
$(VENV)/.installed: pyproject.toml grading/pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -c 'import shutil, tomllib; \
	projects = [tomllib.load(open(f, "rb"))["project"] for f in ("pyproject.toml", "grading/pyproject.toml")]; \
	requirements = [r for p in projects for r in p["dependencies"] + [r for extra in p.get("optional-dependencies", {}).values() for r in extra]]; \
	ours = {p["name"] for p in projects}; \
	cpu = shutil.which("nvidia-smi") is None; \
	tensorflow = "tensorflow-cpu" if cpu else "tensorflow[and-cuda]"; \
	print("\n".join(r.replace("tensorflow", tensorflow, 1) if r.startswith("tensorflow>") else r for r in requirements if r.split(">")[0].split("=")[0] not in ours))' \
	  > $(VENV)/requirements.txt
	$(call UV_PIP,install) --compile-bytecode -r $(VENV)/requirements.txt
	$(call UV_PIP,install) --no-deps --editable . --editable ./grading
	# jsonschema's optional IRI format checker compiles a grammar when imported: 1.8 s of CPU in
	# every process that imports nbformat (each `course` command, nbgrader, pytest worker); nothing
	# here validates IRIs, and jsonschema skips the format without it.
	$(call UV_PIP,uninstall) rfc3987-syntax
	touch $@

# Two editions of one execution (_ext/book_editions.py): the student edition in _build/html is
# safe to publish; the instructor edition, with solutions, goes to its own folder. The build first
# executes the chapters its cache lacks, one per core (_ext/book_execution.py).
book: venv
	BOOK_EDITION=student $(BIN)/jupyter-book build -W -n --keep-going .
	@echo "Student edition (safe to publish): file://$(CURDIR)/_build/html/index.html"
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || [ "$$(uname)" = Darwin ]; then \
	  $(PYTHON) -m webbrowser -t "file://$(CURDIR)/_build/html/index.html"; fi

book-instructor: venv
	BOOK_EDITION=instructor $(BIN)/jupyter-book build -W -n --keep-going --path-output _build/instructor .
	@echo "Instructor edition (solutions; do not publish for a graded course):" \
	  "file://$(CURDIR)/_build/instructor/_build/html/index.html"

# Regenerate the student notebooks in chapters/ from solutions/ (commit the result).
release: venv
	$(BIN)/nbgrader generate_assignment "*" --force --no-db --log-level=WARN

lint: venv
	$(BIN)/ruff check course_utils grading tests bench _ext
	$(BIN)/ruff format --check course_utils grading tests bench _ext

# Course models beside the seeds' own; tests on the official MNIST test set when MNIST_TEST_DIR
# holds its two t10k IDX files.
MNIST_TEST_DIR ?= ../shared/data/mnist-test
bench: venv
	$(PYTHON) -m bench.models $(if $(wildcard $(MNIST_TEST_DIR)/t10k-*),--data-dir $(MNIST_TEST_DIR))

# Wall time of each chapter's full profile on the subset and on a 55,000-image stand-in for full MNIST.
DATA ?= both
bench-chapters: venv
	$(PYTHON) -m bench.chapters --data $(DATA)

# Grading throughput, one row per chapter: s/submission of course grade --jobs 2, with and without
# the demonstrations skipped (COPIES of each kind; add --plain for serial nbgrader).
COPIES ?= 2
bench-grading: venv bubblewrap
	$(PYTHON) -m bench.grading --copies $(COPIES)

# Seconds a call takes to cross to a student's kernel and back (arrays, chapter 04's CNN).
bench-crossing: venv
	$(PYTHON) -m bench.crossing

chromium:
	@command -v chromium >/dev/null || { apt-get update && apt-get install -y --no-install-recommends chromium; }

# `course grade` runs student kernels under bubblewrap (Debian's bubblewrap package).
bubblewrap:
	@command -v bwrap >/dev/null || { apt-get update && apt-get install -y --no-install-recommends bubblewrap; }

# tests/test_slurm.py grades a class on a single-node Slurm cluster it starts (Debian's slurm-wlm, munge).
slurm:
	@command -v slurmctld >/dev/null && command -v munged >/dev/null || { apt-get update && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge; }

# The fast book is built from scratch: its execution cache would not notice changes to course_utils.
# nbval runs the solutions once, a notebook per core (pytest-xdist), and hands each notebook it ran
# cleanly to the book's execution cache (tests/book_cache.py), so neither edition executes them again.
FAST_BOOK := COURSE_PROFILE=fast $(BIN)/jupyter-book build -W -n --keep-going
test: venv chromium bubblewrap slurm lint
	rm -rf _build/fast _build/.jupyter_cache-fast
	COURSE_PROFILE=fast $(PYTHON) -m pytest -n auto --dist loadfile -p tests.book_cache \
	  --book-cache _build/.jupyter_cache-fast --nbval-lax solutions
	BOOK_EDITION=student $(FAST_BOOK) --path-output _build/fast/student .
	BOOK_EDITION=instructor $(FAST_BOOK) --path-output _build/fast/instructor .
	COURSE_PROFILE=fast BOOK_HTML=_build/fast/student/_build/html \
	  BOOK_HTML_INSTRUCTOR=_build/fast/instructor/_build/html $(BIN)/pytest -n auto --dist loadgroup --durations=15 tests

# Unit tests (pytest marker `unit`): pure code, tiny notebooks and models, course_utils included;
# no chapter notebook runs. Under 30 s on 2 cores.
test-quick: venv
	COURSE_PROFILE=fast $(BIN)/pytest -q -n 2 -m unit tests

# The solution notebooks in the full profile on a GPU (the CI job of a self-hosted `gpu` runner).
test-gpu: venv
	$(PYTHON) -c 'import tensorflow as tf; assert tf.config.list_physical_devices("GPU"), "TensorFlow sees no GPU"'
	COURSE_PROFILE=full $(BIN)/pytest --nbval-lax solutions

clean:
	rm -rf _build gradebook.db

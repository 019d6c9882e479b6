"""`deploy/kubernetes/grade-job.yaml`, the Indexed Job of the instructors' guide, validated offline
against the Kubernetes API schema (kubernetes-validate ships the schemas); the guide shows it and
`deploy/slurm/grade.sbatch` from their files (tests/test_slurm.py runs the Slurm one).

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import re

import kubernetes_validate
import pytest
import yaml

from tests.notebooks import ROOT

pytestmark = pytest.mark.unit

MANIFEST = ROOT / "deploy" / "kubernetes" / "grade-job.yaml"
KUBERNETES = "1.30"  # the oldest release the manifest is checked against (still supported by EKS)


def test_the_grading_job_is_valid_against_the_kubernetes_api_schema():
    job = yaml.safe_load(MANIFEST.read_text())
    kubernetes_validate.validate(job, KUBERNETES, strict=True)
    kubernetes_validate.validate(job, kubernetes_validate.latest_version(), strict=True)
    job["spec"]["template"]["spec"]["containers"][0]["resources"]["request"] = {"cpu": "2"}
    with pytest.raises(kubernetes_validate.ValidationError, match="'request' was unexpected"):
        kubernetes_validate.validate(job, KUBERNETES, strict=True)


def test_the_grading_job_runs_one_shard_per_index():
    job = yaml.safe_load(MANIFEST.read_text())
    (container,) = job["spec"]["template"]["spec"]["containers"]
    (command,) = container["args"]
    shard = re.search(r'--shard "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/(\d+)"', command)
    assert job["spec"]["completionMode"] == "Indexed" and shard, command
    assert int(shard[1]) == job["spec"]["completions"], "N of --shard K/N is the completions"


def test_the_guide_shows_the_job_files_of_deploy():
    guide = (ROOT / "guides" / "instructors.md").read_text()
    for path in (MANIFEST, ROOT / "deploy" / "slurm" / "grade.sbatch"):
        shown = f"```{{literalinclude}} ../{path.relative_to(ROOT)}\n"
        assert shown in guide, f"the guide does not include {path.relative_to(ROOT)}"
    for line in ("#SBATCH", "apiVersion:"):
        assert line not in guide, f"the guide holds a copy of a job file ({line}), not the file"

"""The projector pool's worker class has the job code loaded before the pool forks."""

import subprocess
import sys
from pathlib import Path

from bench.servers import procfile

ROOT = Path(__file__).resolve().parents[2]


def test_procfile_worker_names_the_projector_worker_class() -> None:
    assert "--worker-class workers.worker.ProjectorWorker" in procfile()["worker"]


def test_importing_the_worker_class_loads_the_job_code() -> None:
    # a fresh interpreter, as the pool's parent is: what it has imported, every forked job has too
    probe = ("import sys, rq; from workers.worker import ProjectorWorker; "
             "assert issubclass(ProjectorWorker, rq.Worker); "
             "print(' '.join(m for m in ('workers.jobs', 'projections.store', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["workers.jobs", "projections.store", "numpy"]

"""The RQ worker class of the projector pool: rq's own, with the job code imported before any fork.

`rq worker-pool` forks its workers from one parent, and each worker forks a work horse per job. A
horse imports the job's module when it starts, unless its parent already has: for the projector
that is the projections, the event log and numpy, ~100 ms per job. Naming this class on the
command line (`--worker-class workers.worker.ProjectorWorker`) imports this module, and with it
the job code, in the pool's parent, so every horse starts with it loaded.
"""

from __future__ import annotations

from rq import Worker

import workers.jobs  # noqa: F401  (imported for its side effect: loaded once, before the forks)


class ProjectorWorker(Worker):
    """rq's Worker, from a module that has the projector's job code imported."""

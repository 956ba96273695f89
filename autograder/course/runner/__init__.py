"""Grading a batch of submissions: where jobs run, and who writes the results.

- :mod:`.batch`: ``grade_assignment`` plans the batch (resume: what is graded is skipped),
  hands one job per submission to an executor and records each outcome as it arrives;
- :mod:`.executor`: ``LocalExecutor``, one process per job forked from a warm server
  (:mod:`.preload` and :mod:`.warmup` prepare that server once);
- :mod:`.dask_executor` and :mod:`.shipping`: the same on a Dask cluster, with each job's
  files packed for a machine that lacks them;
- :mod:`.worker`: one submission, graded by nbgrader's Autograde in a private course;
- :mod:`.gradebook_writer`: the one writer of the gradebook and the autograded folders.
"""

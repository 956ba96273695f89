"""Hostile submissions of ``hw1-pipeline``, built at test time from the sample submissions.

The catalogue is data: ``kinds.yaml`` lists each kind of attack on the grader: a name (also
the student id), what it does, how its submission is built (a sample and an attack of
``attacks.py``), and the outcome the grader must reach, worked out from the grading rules
rather than taken from a run:

- the bases: ``ada`` answers everything right (4 + 2 + 1 + 1 = 8 points), ``cam`` hands in
  the released notebook unchanged (0 points); an attack that tries to give itself points
  starts from ``cam``, one that must not cost points starts from ``ada``;
- an attack cell ``MID`` sits right after the second graded test cell, so the two test
  cells before it (4 + 2 = 6 points) have run when it starts. A limit that stops the kernel
  (the notebook's time, memory, processes, the kernel ending itself) marks every later cell
  as not run: 6 points. A cell's own time limit only fails that cell (8 points). Output past
  the output limit is cut, and the cell goes on (8 points);
- whatever a notebook does, the course outside its own submission stays as it was: other
  students' files and grades, the gradebook's definitions, the course's files.

What nbgrader 0.9.6 itself does with edited cells and metadata (found by running the grader
on each of these, see the ``why`` of each kind): a locked or test cell whose source or
``locked`` flag was changed is put back from the gradebook (``OverwriteCells``); changed
``points`` and ``checksum`` are put back too; a deleted test cell (or one stripped of its
nbgrader metadata) is not added back (``add_missing_cells`` is off): its grade has no score
and waits for a manual grade; a test cell moved above its answer just runs there; a changed
``grade_id``, a ``grade`` flag on a solution cell and a copied test cell make nbgrader refuse
the notebook (``MissingEntry``, "the nbgrader metadata may be corrupted", "old version of
the nbgrader metadata format").

Attack code keeps the test machine safe even if a limit fails: at most 3 GB of memory, 1000
forks, 100 MB of output, and every process it starts ends by itself within minutes. Every
such process names itself (``Context.process_name``) or carries ``Context.marker`` in its
command line, so that ``leftover_processes`` finds the ones the grader failed to stop.

Modules: ``model`` (constants, ``Context``, ``Expected``, ``Hostile``), ``notebooks``
(editing a sample), ``attacks`` (the attack code), ``catalogue`` (``kinds.yaml`` read into
``KINDS``), ``batch`` (secrets, building, and checking a graded batch: ``problems``).
"""


from .batch import (
    DEFINITION_TABLES,
    BatchState,
    Leftover,
    build_all,
    gradebook_rows,
    kill_leftovers,
    leftover_processes,
    listener,
    matches,
    notes_text,
    plant_secrets,
    problems,
    tree_digest,
    wait_until,
)
from .catalogue import BY_NAME, KINDS, load_kinds
from .model import (
    ANSWERS,
    ASSIGNMENT,
    BEFORE_MID,
    BLANK,
    CANARY_PATTERN,
    CANARY_STUDENT,
    COURSE_FILES,
    COURSE_SECRET_FILE,
    FULL,
    MARKER,
    NOTEBOOK,
    POINTS,
    SAMPLES,
    SECRET_FILE,
    STOPPED,
    VICTIM,
    Context,
    Expected,
    Hostile,
)
from .notebooks import MID, SETUP

__all__ = [
    "ANSWERS", "ASSIGNMENT", "BEFORE_MID", "BLANK", "BY_NAME", "CANARY_PATTERN",
    "CANARY_STUDENT", "COURSE_FILES", "COURSE_SECRET_FILE", "DEFINITION_TABLES", "FULL",
    "KINDS", "MARKER", "MID", "NOTEBOOK", "POINTS", "SAMPLES", "SECRET_FILE", "SETUP",
    "STOPPED", "VICTIM", "BatchState", "Context", "Expected", "Hostile", "Leftover",
    "build_all", "gradebook_rows", "kill_leftovers", "leftover_processes", "listener",
    "load_kinds", "matches", "notes_text", "plant_secrets", "problems", "tree_digest",
    "wait_until",
]

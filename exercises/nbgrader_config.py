"""nbgrader configuration of the encoder-kit course (instructor side).

A plain nbgrader course: `nbgrader generate_assignment`, `autograde`, `generate_feedback`,
`export` and the formgrader all work here. `encoder-kit course ...` adds what stock nbgrader
lacks (parallel grading in a sandboxed kernel, labelled feedback, exports, a Gradescope
autograder and reports) on top of the same folders and the same gradebook. The leak check
is part of nbgrader's own generate step (``CheckReleaseLeaks`` below), so every way of
generating the student version runs it.

nbgrader reads this file after the system and user ``nbgrader_config.py`` files (``jupyter
--paths``); settings here win. This file needs encoder-kit importable by the Python that
runs nbgrader and stops nbgrader, saying so, where it is not.

Graded questions, hidden test data and the course id reach grading kernels through
environment variables that this file sets (kernels inherit them).
"""

import os
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearMarkScheme,
    ClearOutput,
    DeduplicateIds,
    Execute,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteKernelspec,
    SaveAutoGrades,
)

try:
    from autograder.course.nbgrader_hooks import (
        CheckReleaseLeaks,
        answers_file_kept,
        set_grading_identity,
    )
    from autograder.course.preprocessors import (
        DropGradingRecords,
        KeepStderrOffTheGrade,
        LabelTests,
        ReadableResults,
    )
    from autograder.course.released_cells import CheckReleasedCells
except ImportError as error:
    # traitlets would only log this and nbgrader would go on with default settings: no leak
    # check, no per-student variants, the students' answers files overwritten. Stop instead.
    raise SystemExit(
        f"this course needs encoder-kit, which the Python that runs nbgrader cannot import "
        f"({error}). Install it into that environment (the one of `nbgrader` and the "
        f"formgrader, e.g. the JupyterHub's): pip install 'encoder-kit[course]'"
    ) from error
from nbgrader.converters import GenerateAssignment

c = get_config()  # noqa: F821 (nbgrader provides get_config)
COURSE = Path(__file__).resolve().parent

c.CourseDirectory.root = str(COURSE)
c.CourseDirectory.course_id = "encoder-kit-course"

# Grading kernels find the graded questions, the hidden test data and the course id here.
os.environ["ENCODER_KIT_QUESTION_PATH"] = os.pathsep.join(
    [str(COURSE / "questions"), str(COURSE / "code-questions")]
)
os.environ["ENCODER_KIT_HIDDEN_DATA"] = str(COURSE / "hidden")
os.environ["ENCODER_KIT_COURSE"] = c.CourseDirectory.course_id

# A cold embedding cache makes the first coding notebook import torch and encode the data.
c.Execute.timeout = 300

# Released answer cells must not raise: a student who answers with the widget (Save) runs
# them too. nbgrader's stub is one text for every cell, so each question's answer cell
# carries its own hint above the solution region (`# Answer in the widget above (press
# Save), or here: answer("<id>", ...)`, kept at release) and the stub is a plain comment.
c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE"}

# `encoder-kit course grade` replaces Execute by the sandboxed kernel (SandboxedExecute, in
# autograder.course.sandbox.execute) and scores grade_cell cells in the grader
# (ScoreGradeCells, autograder.course.scoring). Their limits are traitlets: set them here
# for the course, e.g. `c.SandboxedExecute.memory_mb = 2048`; the command's flags
# (--timeout, --memory-mb, --max-processes, --max-output) override them per run.

# Generate (nbgrader generate_assignment, the formgrader's Generate button, `encoder-kit
# course release`): after nbgrader's own steps, refuse a student version that holds a key,
# a solution, a hidden test or hidden data (nbgrader then removes the release folder).
c.GenerateAssignment.preprocessors = [
    *GenerateAssignment.class_traits()["preprocessors"].make_dynamic_default(),
    CheckReleaseLeaks,
]
c.CheckReleaseLeaks.release_directory = str(COURSE / "release")

# Autograde: tell each kernel whose submission it grades (per-student variants), keep the
# student's widget answers (never overwrite them with a copy left in source/), and keep
# warnings on stderr off the grade.
c.Autograde.pre_convert_hook = set_grading_identity
c.Autograde.exclude_overwriting = answers_file_kept(COURSE / "source")
# Sanitize: nbgrader's own steps, with locked cells judged against what the release gave the
# student (nbgrader stores test cells' checksums before hidden tests are removed, so stock
# OverwriteCells reports every honest test cell as changed: nbgrader issue 1961).
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    CheckReleasedCells,
    CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    Execute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    KeepStderrOffTheGrade,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# Feedback: no hidden test code and no rubric; public and hidden results labelled.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    LabelTests,
    ReadableResults,
    DropGradingRecords,
    ClearMarkScheme,
    CSSHTMLHeaderPreprocessor,
]

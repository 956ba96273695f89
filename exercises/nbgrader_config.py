"""nbgrader configuration of the encoder-kit course (instructor side).

A plain nbgrader course: `nbgrader generate_assignment`, `autograde`, `generate_feedback`,
`export` and the formgrader all work here. `encoder-kit course ...` adds what stock nbgrader
lacks (parallel grading with fast kernels, a leak check at release, labelled feedback,
exports and reports) on top of the same folders and the same gradebook.

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
    Execute,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from autograder.course.nbgrader_hooks import answers_file_kept, set_grading_identity
from autograder.course.preprocessors import DropGradingRecords, KeepStderrOffTheGrade, LabelTests

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

# Autograde: tell each kernel whose submission it grades (per-student variants), keep the
# student's widget answers (never overwrite them with a copy left in source/), and keep
# warnings on stderr off the grade.
c.Autograde.pre_convert_hook = set_grading_identity
c.Autograde.exclude_overwriting = answers_file_kept(COURSE / "source")
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
    DropGradingRecords,
    ClearMarkScheme,
    CSSHTMLHeaderPreprocessor,
]

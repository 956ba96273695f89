"""What the grading fork server does once, so that every worker forked from it starts warm.

``prepare_server()`` (called by :mod:`autograder.course.runner.preload`, which the fork server
imports) imports the grading stack (nbgrader, the in-process kernel, numpy,
scikit-learn, encoder-kit, the course's checks) and runs each slow first-time path once: an
in-process kernel (its first start imports some 150 modules), SQLAlchemy's mapper set-up,
nbformat's schema validator, a logistic-regression fit, and nbgrader's whole
generate-and-autograde cycle on a one-cell course. It leaves no thread running and no file
or connection open, so forking afterwards is safe. It also limits BLAS and OpenMP to one
thread per process: the workers already use every core, and several processes spinning
BLAS threads on the same cores made a 0.07 s fit take 3 s in our measurements.

One deliberate change to nbgrader's behaviour, for speed only: in the fork server and its
workers, ``nbgrader.api.create_engine`` returns one SQLAlchemy engine per database URL
instead of a new one per ``Gradebook``. nbgrader opens its gradebook about ten times per
notebook, and every new engine compiled the same SQL statements again (about half of a
worker's time). Workers open their private gradebook through the relative URL
``sqlite:///gradebook.db`` from inside their private course, so they all reuse the engine
warmed up here, statements already compiled, with fresh connections of their own.

Nothing here runs on import; only the fork server calls ``prepare_server``.
"""

from __future__ import annotations

import contextlib
import importlib
import os

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")

MODULES = (
    "numpy",
    "sklearn.linear_model",
    "sklearn.pipeline",
    "sklearn.feature_extraction.text",
    "sklearn.dummy",
    "seqeval.metrics",
    "safetensors.numpy",
    "autograder",
    "autograder.course.runner.worker",
    "autograder.course.sandbox.execute",
    "autograder.course.sandbox.layers.filters",
    "pyseccomp",  # the kernel's system-call filter: loaded in every kernel, imported once
    "autograder.course.scoring",
    "autograder.course.notebook.testcell",
    "autograder.course.checks",
    "autograder.course.notebook.student",
    "autograder.course.preprocessors",
    "encoder_kit.encoder",
    "encoder_kit.classify",
    "encoder_kit.tokens",
    "encoder_kit.tagger",
    "encoder_kit.conll",
    "encoder_kit.data.exercises",
    "encoder_kit.questions.files.answers_file",
    "autograder.saved",
    "encoder_kit.questions",
)


def _import_all() -> None:
    for name in MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


WORKER_DB_URL = "sqlite:///gradebook.db"  # relative: each worker's own private course
_ENGINES: dict[tuple[str, tuple[tuple[str, object], ...]], object] = {}


def share_engines() -> None:
    """Make nbgrader reuse one SQLAlchemy engine per URL in this process (see above)."""
    import nbgrader.api
    import sqlalchemy

    if getattr(nbgrader.api.create_engine, "shared", False):
        return

    def create_engine(url: object, **options: object) -> object:
        key = (str(url), tuple(sorted(options.items())))
        if key not in _ENGINES:
            engine = sqlalchemy.create_engine(url, **options)
            database = sqlalchemy.engine.make_url(str(url)).database
            if database and database != ":memory:" and not os.path.isabs(database):
                # SQLAlchemy fixes a relative SQLite path when the engine is made; resolve
                # it when each connection is opened instead (in the worker's own folder)
                def _here(dialect: object, record: object, cargs: list, cparams: dict) -> None:
                    cargs[0] = os.path.abspath(database)

                sqlalchemy.event.listen(engine, "do_connect", _here)
            _ENGINES[key] = engine
        return _ENGINES[key]

    create_engine.shared = True  # type: ignore[attr-defined]
    nbgrader.api.create_engine = create_engine


def _warm_nbgrader() -> None:
    """Generate and autograde a one-cell assignment, so the statements get compiled."""
    import shutil
    import tempfile
    from pathlib import Path

    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    from nbgrader.api import Base
    from nbgrader.converters import Autograde, GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from sqlalchemy import text
    from traitlets.config import Config

    from autograder.course.sandbox.execute import SandboxedExecute

    here = os.getcwd()
    root = Path(tempfile.mkdtemp(prefix="encoder-kit-warm-"))
    try:
        os.chdir(root)
        engine = __import__("nbgrader.api").api.create_engine(WORKER_DB_URL, echo=False,
                                                             future=True)
        Base.metadata.create_all(bind=engine)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
            connection.execute(text("INSERT INTO alembic_version VALUES ('warm')"))

        def meta(grade_id: str, **flags: object) -> dict[str, object]:
            return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "locked": False,
                                 "grade": False, "solution": False, "task": False, **flags}}

        nb = new_notebook(cells=[
            new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", metadata=meta(
                "answer", solution=True)),
            new_code_cell("### BEGIN HIDDEN TESTS\nx\n### END HIDDEN TESTS", metadata=meta(
                "test", grade=True, locked=True, points=1)),
            new_markdown_cell("Explain.", metadata=meta("task", task=True, locked=True,
                                                        points=1)),
        ])
        (root / "source" / "a").mkdir(parents=True)
        nbformat.write(nb, root / "source" / "a" / "a.ipynb")
        config = Config()
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.db_url = WORKER_DB_URL
        config.CourseDirectory.assignment_id = "a"
        config.Execute.timeout = 60
        GenerateAssignment(coursedir=CourseDirectory(config=config), config=config).start()
        shutil.copytree(root / "release" / "a", root / "submitted" / "s" / "a")
        (root / "submitted" / "s" / "a" / "timestamp.txt").write_text(
            "2025-01-01 00:00:00.000000 UTC")
        config.CourseDirectory.student_id = "s"
        steps = list(Autograde.class_traits()["autograde_preprocessors"].default_value)
        config.Autograde.autograde_preprocessors = [
            SandboxedExecute if step.__name__ == "Execute" else step for step in steps]
        Autograde(coursedir=CourseDirectory(config=config), config=config).start()
    finally:
        os.chdir(here)
        for engine in _ENGINES.values():
            engine.dispose()  # type: ignore[attr-defined]
        shutil.rmtree(root, ignore_errors=True)


def _warm() -> None:
    """Run the slow first-time paths once; every failure here is harmless (only slower)."""
    with contextlib.suppress(Exception):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    with contextlib.suppress(Exception):
        import sqlalchemy.orm

        sqlalchemy.orm.configure_mappers()
    with contextlib.suppress(Exception):
        import nbformat
        from nbformat.v4 import new_code_cell, new_notebook

        nbformat.validate(new_notebook(cells=[new_code_cell("pass")]))
    with contextlib.suppress(Exception):
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        points = np.array([[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.1]])
        LogisticRegression().fit(points, [0, 1, 0, 1])
    with contextlib.suppress(Exception):
        from autograder.course.sandbox.kernel_child import warm_kernel

        warm_kernel()
    with contextlib.suppress(Exception):
        from encoder_kit import models

        models.model_info(models.DEFAULT_MODEL)
    with contextlib.suppress(Exception):
        import logging

        logging.getLogger("traitlets").setLevel(logging.ERROR)
        share_engines()
        _warm_nbgrader()
        logging.getLogger("traitlets").setLevel(logging.WARNING)


def prepare_server() -> None:
    """Limit threads, import the grading stack and warm it up (in the fork server only).

    The fork server also skips ``rfc3987_syntax``, an optional format checker of jsonschema
    that builds a grammar when imported (5 s here, for every process that imports nbformat);
    notebooks never use the formats it checks.
    """
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # the warm-up kernel leaves an asyncio task that would be reported at exit, on stderr
    import logging

    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    _import_all()
    _warm()

"""Verbs for before the term: ``init`` a course, ask the ``doctor`` what this machine can
confine, ``warm-cache`` the exercise data (see :mod:`autograder.course.commands`)."""

"""Verbs for what comes out of the gradebook: ``export`` (grades.csv, Canvas, Gradescope
results), the ``gradescope`` autograder zip, the ``report`` (scores, wrong answers, item
statistics, notes) and the ``gradebook`` table (see :mod:`autograder.course.commands`)."""

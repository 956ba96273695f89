"""What runs inside a student's notebook: the student API and the hidden test cells' helper.

- :mod:`.student`: ``show("id")`` a question (the student's own numbers), save an
  ``answer("id", value)``, and the public test ``check_answered("id")``;
- :mod:`.testcell`: ``grade_cell("id"[, obj])``, the one call in a hidden test cell;
- :mod:`.public`: the released questions file (``encoder-kit-questions.json``) that
  ``show`` reads, written by ``encoder-kit course release``;
- :mod:`.solutions`: ``solution_for("id")``, the instructor's solution cells' answer to the
  version the running identity draws (stripped at release; never in a released cell).

Released notebooks import these names from :mod:`autograder.course`.
"""

"""The grading kernel: a confined process of its own, with limits, that runs the cells.

- :mod:`.execute`: ``SandboxedExecute``, nbgrader's Execute step on that kernel, configured
  by traitlets (limits, what the kernel sees, its environment);
- :mod:`.kernel_process` (grader side) and :mod:`.kernel_child` (kernel side), talking in
  JSON frames (:mod:`.frames`);
- :mod:`.confine` (namespaces, read-only file systems, no network, dropped capabilities),
  :mod:`.cgroups` (memory and process limits), :mod:`.limits` (the ``Limits`` value);
- :mod:`.pristine`: grading helpers put back before every test cell;
- :mod:`.kernel_view`: which folders and environment a submission's kernel gets.
"""

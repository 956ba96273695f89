"""The confinement layers of a grading kernel, each in its own module.

- :mod:`.confine`: namespaces (user, mount, network), the read-only view of the file
  system, capabilities dropped;
- :mod:`.cgroups`: a control group per kernel (memory and process limits, a kill switch);
- :mod:`.filters`: the system-call filter (seccomp, EPERM) and Landlock;
- :mod:`.probe`: what this machine can provide, before a batch runs (``course doctor``,
  the refusal to grade unconfined).
"""

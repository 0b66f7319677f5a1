"""The exercise runner: student code in a jail, tests in the trusted judge.

The two sides of the trust boundary, and what both share:

- ``judge/``  trusted: ``grading`` (Grader), ``collect`` (tests), ``session`` and ``proxy``
  (one jail, seen from the judge), ``verdicts``, ``pool`` (the zygote handle), ``spawn``
  (spawned jails), ``launch`` (a clean command line and environment), ``cputime``
- ``jail/``   untrusted: ``zygote`` (forks supervisors), ``supervisor``, ``sandbox`` (the
  isolation ladder), ``landlock``, ``seccomp``, ``cgroups``, ``uids`` (a uid per jail),
  ``server`` (serves calls in the jail), ``spawned``, ``warm``
- shared:     ``protocol`` (the data-only wire format), ``limits`` (plain data), ``host``
  (what this machine offers), ``_linux`` (ctypes system calls)

The judge never imports ``jail/`` and the jail never imports ``judge/``: jail-side
interpreters are started by exec with a clean environment and spoken to through the
protocol only.
"""

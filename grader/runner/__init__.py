"""The exercise runner: student code in a jail, tests in the trusted judge.

Modules, in the order data flows through them:

- ``protocol``  the data-only wire format between judge and jail (never pickle)
- ``_linux``    ctypes wrappers for unshare/mount/prctl/capset (Python 3.11 has no os.unshare)
- ``sandbox``   the isolation ladder: namespaces+cgroups -> userns (no root) -> uid -> rlimits
- ``jail``      the student side: imports the submission and serves calls
- ``zygote``    a clean pre-forked process that forks one jail per request
- ``session``   the judge side of one jail: requests, deadlines, output capture
- ``proxy``     judge-side stand-ins for objects that live in the jail
- ``judge``     collects pytest-style tests, runs them, turns outcomes into verdicts
"""

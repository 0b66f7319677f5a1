"""Grading a whole class: submissions in; a report per student, a gradebook, a class report out.

``sources`` finds the submissions (a folder, or an LMS bulk download), ``engine`` runs them
through a backend (``pool``: judge processes on this machine; ``cluster``: Dask workers) and
writes ``gradebook`` rows and the ``class_report``; ``cache`` skips what did not change.
"""

"""The untrusted side: the zygote, the supervisor, the sandbox and the jailed server.

Runs only in interpreters the judge started by exec; nothing here imports the judge.
"""

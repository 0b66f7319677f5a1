"""What the CLI's commands do, each a keyword-only ``main`` (the CLI only parses options).

These sit above everything else: they load exercises, drive the runner and render
reports; nothing below imports them.
"""

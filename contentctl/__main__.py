"""``python -m contentctl`` is the same as the ``contentctl`` command."""

from contentctl.cli import main

main()

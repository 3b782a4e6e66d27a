"""Loaded by pytest before it collects tests/ and notebooks/ and before any kernel starts.

``MCGRAD_STYLE`` (set by ``make lecture``) switches ``plotting.set_style()`` to the
lecture style.  Stored outputs print figure sizes, so the test suite must never see
it: it is removed here, and every kernel and server the tests start inherits the
cleaned environment.
"""

import os

os.environ.pop("MCGRAD_STYLE", None)

"""A deadline for the hooks the agent waits on: one for capture, one for recall, in one process.

Standard library only, and not even ``signal`` (see ``arm``): the hook entry points import it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


class DeadlinePassed(Exception):
    """The hook ran out of its time: whatever it was waiting on (a FIFO, a hung mount), it gives up."""


def arm(seconds: float) -> Callable[[], None]:
    """Raise ``DeadlinePassed`` in this thread after ``seconds`` (POSIX; elsewhere, no deadline). A blocking
    open or read is interrupted by the signal, so the hook answers within its budget whatever it reads.
    ``_signal`` and not ``signal``: the latter imports ``enum``, which costs the hook more than its work."""
    try:
        import _signal  # type: ignore[import-not-found,unused-ignore]

        def expire(signum: int, frame: object) -> None:
            raise DeadlinePassed(f"the hook's {seconds:g} s deadline passed")

        previous = _signal.signal(_signal.SIGALRM, expire)
        _signal.setitimer(_signal.ITIMER_REAL, seconds)
    except (ImportError, AttributeError, ValueError, OSError):  # not POSIX, or not the main thread
        return lambda: None

    def disarm() -> None:
        _signal.setitimer(_signal.ITIMER_REAL, 0)
        _signal.signal(_signal.SIGALRM, previous)

    return disarm

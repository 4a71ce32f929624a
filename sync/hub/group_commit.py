"""Group commit: the pushes that arrive while one transaction commits are stored by the next, in one.

Each push stays atomic on its own (a SAVEPOINT each: a conflicting batch is rolled back alone and answered
409) and is acknowledged only after the COMMIT that holds it. On PostgreSQL the cursor's lock is held until
COMMIT (sync/README.md), so commits are one at a time; one COMMIT (one WAL flush) for every push waiting
rather than one each is what lets 200 PCs push at once (bench/bench_hub.py). No thread waits longer than the
commit in progress plus its own group's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_GROUP = 64  # pushes per transaction at most (a long group would delay its first push's answer)


@dataclass
class Push:
    unit_code: str
    events: list[dict]
    device: str = ""  # the sender: its highest stored seq is read in the same transaction
    result: tuple[list[str], list[str], int] | None = None
    error: BaseException | None = None
    done: bool = field(default=False)


class GroupCommitter:
    """`submit` blocks until the push is committed (or refused); one caller at a time writes a group for all."""

    def __init__(self, write_group: Callable[[list[Push]], None]):
        self.write_group = write_group
        self.queue: list[Push] = []
        self.writing = False
        self.cv = threading.Condition()

    def submit(self, unit_code: str, events: list[dict], device: str = "") -> tuple[list[str], list[str], int]:
        push = Push(unit_code, events, device)
        with self.cv:
            self.queue.append(push)
            while not push.done and self.writing:
                self.cv.wait()
            if push.done:
                return self._outcome(push)
            self.writing = True  # this caller writes the next group (its own push is in it)
            group, self.queue = self.queue[:MAX_GROUP], self.queue[MAX_GROUP:]
        try:
            self.write_group(group)
        except BaseException as error:  # the COMMIT failed: none of the group is stored
            for member in group:
                if member.error is None:
                    member.result, member.error = None, error
        finally:
            with self.cv:
                for member in group:
                    member.done = True
                self.writing = False
                self.cv.notify_all()
        if not push.done:  # not reached: the writer's own push is always in its group
            raise RuntimeError("push not written")
        return self._outcome(push)

    @staticmethod
    def _outcome(push: Push) -> tuple[list[str], list[str], int]:
        if push.error is not None:
            raise push.error
        assert push.result is not None
        return push.result

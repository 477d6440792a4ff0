"""The batch progress bar's estimate of the time left, which keeps moving while a submission hangs.

rich's TimeRemainingColumn divides by the recent speed, which only changes when a student finishes:
while one submission hangs the estimate stands still, as if the batch had frozen. This one is
recomputed from the elapsed time at every refresh (elapsed per student done, times students left),
so a hang shows as an estimate that grows, second by second.
"""
from __future__ import annotations

from rich.progress import ProgressColumn, Task
from rich.text import Text


def seconds_left(done: float, total: float | None, elapsed: float | None) -> float | None:
    """Elapsed time per student done, times the students left; None before the first one."""
    if not done or not total or elapsed is None:
        return None
    return max(0.0, elapsed / done * (total - done))


class MovingTimeRemaining(ProgressColumn):
    max_refresh = None  # every refresh: the point is that it moves

    def render(self, task: Task) -> Text:
        left = seconds_left(task.completed, task.total, task.elapsed)
        if left is None:
            return Text("-:--:--", style="progress.remaining")
        minutes, seconds = divmod(int(left + 0.5), 60)
        hours, minutes = divmod(minutes, 60)
        return Text(f"{hours}:{minutes:02d}:{seconds:02d}", style="progress.remaining")

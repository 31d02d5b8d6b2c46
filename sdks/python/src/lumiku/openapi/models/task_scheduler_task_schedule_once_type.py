from enum import StrEnum


class TaskSchedulerTaskScheduleOnceType(StrEnum):
    ONCE = "once"

    def __str__(self) -> str:
        return str(self.value)

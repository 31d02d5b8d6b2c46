from enum import StrEnum


class TaskSchedulerTaskScheduleCronType(StrEnum):
    CRON = "cron"

    def __str__(self) -> str:
        return str(self.value)

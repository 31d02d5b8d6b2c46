from enum import StrEnum


class AnalyticsDashboardChart(StrEnum):
    ACTIONS = "actions"
    APPS = "apps"
    BALANCE = "balance"
    MEMBERS = "members"
    PEOPLE = "people"
    SPEND = "spend"

    def __str__(self) -> str:
        return str(self.value)

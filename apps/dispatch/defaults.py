"""The time limits a fresh installation starts with (version 1 of each policy); administrators revise them.

Working-time limits are in working minutes: with the default office hours a working day has 450 of them.
"""

from apps.workcalendar.choices import Clock

from .choices import OrderKind

WORKING_DAY = 450

DEFAULT_POLICIES = [
    # kind, accept minutes, accept clock, resolve minutes, resolve clock, note
    (
        OrderKind.DISPATCH,
        120,
        Clock.WORKING,
        5 * WORKING_DAY,
        Clock.WORKING,
        "签收 2 工作小时，办结 5 个工作日",
    ),
    (
        OrderKind.EMERGENCY,
        30,
        Clock.AROUND_THE_CLOCK,
        24 * 60,
        Clock.AROUND_THE_CLOCK,
        "30 分钟报到，24 小时处置",
    ),
    (OrderKind.JOINT, 120, Clock.WORKING, 10 * WORKING_DAY, Clock.WORKING, "2 工作小时报到，10 个工作日办结"),
    (OrderKind.QUICK, 60, Clock.WORKING, 3 * WORKING_DAY, Clock.WORKING, "1 工作小时报到，3 个工作日办结"),
]

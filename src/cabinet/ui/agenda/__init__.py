"""The agenda window: day and week grids, the appointment dialog, the waiting room."""

"""The unit portal: a small web application where unit staff upload exports and see their verdicts, and the data
team follows every unit's quarter (app.py)."""

"""The one JSON log line format of the application and of gunicorn.

CR, LF and quotes in logged values are escaped, so user input cannot forge
log lines. Imports nothing of Django: gunicorn reads it before the app loads.
"""

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "{levelname}{name}{message}",
    "style": "{",
    "rename_fields": {"levelname": "level", "name": "logger"},
    "timestamp": True,
}

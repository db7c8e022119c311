"""cutru-intake: document intake and form extraction for Vietnamese residence registration."""

__version__ = "0.1.0"

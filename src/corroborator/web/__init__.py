"""The review web app: browse, search, check and correct a case file in a browser."""

from corroborator.web.app import create_app
from corroborator.web.state import Settings

__all__ = ["Settings", "create_app"]

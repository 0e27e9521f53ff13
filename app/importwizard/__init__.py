"""The import wizard: a file (chosen or dropped) into the open project."""

from app.importwizard.wizard import ImportWizard

__all__ = ["ImportWizard"]

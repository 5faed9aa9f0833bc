"""The MCP tests share the recall tests' store fixtures."""

from tests.recall.conftest import checkout, workspace

__all__ = ["checkout", "workspace"]

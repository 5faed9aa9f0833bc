"""The MCP edge: reverie's memory as tools and a resource for any MCP client (``reverie mcp``).

Built on the official MCP Python SDK (the ``mcp`` package, installed with ``reverie[mcp]``), imported
only when the server starts, so nothing else pays for it.
"""

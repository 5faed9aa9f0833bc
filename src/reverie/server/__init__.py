"""The team server: ``reverie serve``. An ASGI app (Starlette on uvicorn) over the team store on
PostgreSQL: ``/healthz`` is open; everything under ``/api/`` needs a bearer token (see ``auth``)."""

from reverie.server.app import create_app

__all__ = ["create_app"]

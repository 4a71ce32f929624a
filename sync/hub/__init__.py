"""The hub: enrolled devices push their events here and pull the others'; Starlette and uvicorn live only here."""

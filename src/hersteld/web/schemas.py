"""Base schema for request bodies: an unknown field is an error, never silently ignored."""

from ninja import Schema
from pydantic import ConfigDict


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")

"""Field mappings between Sage 100 and the platform, as data."""

from erpsync.mappings.core import EntityMapping, MappedChunk, computed, encode_records

__all__ = ["EntityMapping", "MappedChunk", "computed", "encode_records"]

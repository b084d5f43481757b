"""The write side: what happened, how it is encoded, where it lives in Redis."""

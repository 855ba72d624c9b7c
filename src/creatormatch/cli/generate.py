"""``creatormatch generate``: write a synthetic market (placeholder until the generator lands)."""

COMMANDS: list = []

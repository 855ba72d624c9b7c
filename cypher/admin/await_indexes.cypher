// Wait (up to $seconds) until every index is populated.
CALL db.awaitIndexes($seconds)

// Delete every node and relationship of the database, in batches of 10,000 (run in an
// auto-commit transaction). Constraints and indexes stay.
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS

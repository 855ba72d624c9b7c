// Load creators and their primary category: (:Creator)-[:PRIMARY_CATEGORY]->(:Category).
// Row: {creator_id, props: {handle, market, followers, rate_per_video}, joined_at (ISO
// date), observed_from, observed_to (ISO datetimes), primary_category}. A null removes the property; a changed primary category
// replaces the old edge.
// The far end of each OPTIONAL MATCH has no label on purpose: the planner can then only
// expand from the bound node, never scan a label or index when statistics are stale.
UNWIND $rows AS row
MERGE (c:Creator {creator_id: row.creator_id})
SET c += row.props, c.joined_at = date(row.joined_at),
    c.observed_from = datetime(row.observed_from), c.observed_to = datetime(row.observed_to)
WITH c, row
CALL (c, row) {
  OPTIONAL MATCH (c)-[old:PRIMARY_CATEGORY]->(k)
  WHERE row.primary_category IS NULL OR k.category_id <> row.primary_category
  DELETE old
}
CALL (c, row) {
  MATCH (k:Category {category_id: row.primary_category})
  MERGE (c)-[:PRIMARY_CATEGORY]->(k)
}
RETURN count(*) AS rows

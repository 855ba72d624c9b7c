// Load creators and their primary category: (:Creator)-[:PRIMARY_CATEGORY]->(:Category).
// Row: {creator_id, props: {handle, market, followers, rate_per_video}, joined_at (ISO
// date), primary_category}. A null removes the property; a changed primary category
// replaces the old edge.
UNWIND $rows AS row
MERGE (c:Creator {creator_id: row.creator_id})
SET c += row.props, c.joined_at = date(row.joined_at)
WITH c, row
CALL (c, row) {
  OPTIONAL MATCH (c)-[old:PRIMARY_CATEGORY]->(k:Category)
  WHERE row.primary_category IS NULL OR k.category_id <> row.primary_category
  DELETE old
}
CALL (c, row) {
  MATCH (k:Category {category_id: row.primary_category})
  MERGE (c)-[:PRIMARY_CATEGORY]->(k)
}
RETURN count(*) AS rows

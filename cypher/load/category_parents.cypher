// Link each category to its parent: (:Category)-[:SUBCATEGORY_OF]->(:Category).
// Row: {category_id, parent_id (null for a top-level category)}. A parent that changed
// since the last load is unlinked first, so a category always has at most one parent.
// The far end of each OPTIONAL MATCH has no label on purpose: the planner can then only
// expand from the bound node, never scan a label or index when statistics are stale.
UNWIND $rows AS row
MATCH (k:Category {category_id: row.category_id})
CALL (k, row) {
  OPTIONAL MATCH (k)-[old:SUBCATEGORY_OF]->(p)
  WHERE row.parent_id IS NULL OR p.category_id <> row.parent_id
  DELETE old
}
CALL (k, row) {
  MATCH (p:Category {category_id: row.parent_id})
  MERGE (k)-[:SUBCATEGORY_OF]->(p)
}
RETURN count(*) AS rows

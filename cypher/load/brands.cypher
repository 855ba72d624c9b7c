// Load brands and their main category: (:Brand)-[:MAIN_CATEGORY]->(:Category).
// Row: {brand_id, props: {name, market}, category_id}.
UNWIND $rows AS row
MERGE (b:Brand {brand_id: row.brand_id})
SET b += row.props
WITH b, row
CALL (b, row) {
  OPTIONAL MATCH (b)-[old:MAIN_CATEGORY]->(k:Category)
  WHERE row.category_id IS NULL OR k.category_id <> row.category_id
  DELETE old
}
CALL (b, row) {
  MATCH (k:Category {category_id: row.category_id})
  MERGE (b)-[:MAIN_CATEGORY]->(k)
}
RETURN count(*) AS rows

// Load categories: one row per category. Row: {category_id, props: {name}}.
// Parents are linked afterwards by load/category_parents.cypher (they must exist first).
UNWIND $rows AS row
MERGE (k:Category {category_id: row.category_id})
SET k += row.props
RETURN count(*) AS rows

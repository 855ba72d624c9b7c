// Categories known only by id (categories.csv absent, ids taken from references):
// create the nodes, touch nothing else. Row: {category_id}.
UNWIND $rows AS row
MERGE (k:Category {category_id: row.category_id})
RETURN count(*) AS rows

// Read back categories: one row per Category, columns named as in categories.csv;
// parent_id is the list of parents' ids (at most one in a valid graph).
MATCH (k:Category)
RETURN k.category_id AS category_id, k.name AS name,
       [(k)-[:SUBCATEGORY_OF]->(p:Category) | p.category_id] AS parent_id

// Read back brands: one row per Brand, columns named as in brands.csv.
MATCH (b:Brand)
RETURN b.brand_id AS brand_id, b.name AS name, b.market AS market,
       [(b)-[:MAIN_CATEGORY]->(k:Category) | k.category_id] AS category_id

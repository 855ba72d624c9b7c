// Read back products: one row per Product, columns named as in products.csv.
MATCH (p:Product)
RETURN p.product_id AS product_id,
       [(b:Brand)-[:SELLS]->(p) | b.brand_id] AS brand_id,
       [(p)-[:IN_CATEGORY]->(k:Category) | k.category_id] AS category_id,
       p.name AS name, p.price AS price

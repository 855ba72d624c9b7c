// Products known only by id (products.csv absent, ids taken from references). Row: {product_id}.
UNWIND $rows AS row
MERGE (p:Product {product_id: row.product_id})
RETURN count(*) AS rows

// Read back campaigns: one row per Campaign, columns named as in campaigns.csv; dates as
// epoch seconds.
MATCH (k:Campaign)
RETURN k.campaign_id AS campaign_id,
       [(b:Brand)-[:RUNS]->(k) | b.brand_id] AS brand_id,
       [(k)-[:PROMOTES]->(p:Product) | p.product_id] AS product_id,
       [(k)-[:IN_CATEGORY]->(c:Category) | c.category_id] AS category_id,
       CASE WHEN k.start_date IS NULL THEN null
            ELSE datetime({date: k.start_date, timezone: 'Z'}).epochSeconds END AS start_date,
       CASE WHEN k.end_date IS NULL THEN null
            ELSE datetime({date: k.end_date, timezone: 'Z'}).epochSeconds END AS end_date,
       k.budget AS budget

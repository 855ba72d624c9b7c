// Read back creators: one row per Creator, columns named as in creators.csv; dates as
// epoch seconds; primary_category as a list of ids (at most one in a valid graph).
MATCH (c:Creator)
RETURN c.creator_id AS creator_id, c.handle AS handle, c.market AS market, c.followers AS followers,
       CASE WHEN c.joined_at IS NULL THEN null
            ELSE datetime({date: c.joined_at, timezone: 'Z'}).epochSeconds END AS joined_at,
       c.rate_per_video AS rate_per_video,
       c.observed_from.epochSeconds AS observed_from, c.observed_to.epochSeconds AS observed_to,
       [(c)-[:PRIMARY_CATEGORY]->(k:Category) | k.category_id] AS primary_category

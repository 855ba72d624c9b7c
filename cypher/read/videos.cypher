// Read back videos: one row per VideoLog part, its columns as lists (posted_at as epoch
// seconds); the creator comes from the POSTED relationship.
MATCH (c:Creator)-[:POSTED]->(v:VideoLog)
RETURN c.creator_id AS creator_id, v.part AS part, v.video_id AS video_id,
       [t IN v.posted_at | t.epochSeconds] AS posted_at,
       v.views AS views, v.likes AS likes, v.comments AS comments, v.shares AS shares,
       v.product_id AS product_id, v.collaboration_id AS collaboration_id, v.orders AS orders, v.gmv AS gmv

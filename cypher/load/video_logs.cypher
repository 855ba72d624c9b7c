// Load videos, kept per creator: (:Creator)-[:POSTED]->(:VideoLog {creator_id, part, ...}).
// A VideoLog holds up to 2,000 of the creator's videos (sorted by posted_at, video_id) as
// parallel lists -- video_id, posted_at, views, likes, comments, shares, product_id,
// collaboration_id, orders, gmv -- plus totals (videos, first_posted_at, last_posted_at,
// total_views, total_orders, total_gmv). Row: {creator_id, part, props, posted_at (list of
// ISO datetimes), first_posted_at, last_posted_at}.
UNWIND $rows AS row
MATCH (c:Creator {creator_id: row.creator_id})
MERGE (v:VideoLog {creator_id: row.creator_id, part: row.part})
SET v += row.props,
    v.posted_at = [t IN row.posted_at | datetime(t)],
    v.first_posted_at = datetime(row.first_posted_at), v.last_posted_at = datetime(row.last_posted_at)
MERGE (c)-[:POSTED]->(v)
RETURN count(*) AS rows

// Load collaborations as (:Brand)-[:INVITED {collaboration_id, ...}]->(:Creator), merged by
// collaboration_id (unique, see schema.cypher) so a reload updates instead of duplicating.
// Row: {collaboration_id, brand_id, creator_id, props: {campaign_id, status,
// deliverables_promised, deliverables_delivered, fee, gmv, rating}, and the ISO datetimes
// invited_at, responded_at, due_at, delivered_at}.
// If a collaboration moved to another brand or creator since the last load, the MERGE
// would create a second INVITED with the same collaboration_id and the constraint refuses
// the batch; the loader then runs collaborations_moved.cypher for it and tries again.
UNWIND $rows AS row
MATCH (b:Brand {brand_id: row.brand_id})
MATCH (c:Creator {creator_id: row.creator_id})
MERGE (b)-[r:INVITED {collaboration_id: row.collaboration_id}]->(c)
SET r += row.props,
    r.invited_at = datetime(row.invited_at), r.responded_at = datetime(row.responded_at),
    r.due_at = datetime(row.due_at), r.delivered_at = datetime(row.delivered_at)
RETURN count(*) AS rows

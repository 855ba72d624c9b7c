// Read back collaborations: one row per INVITED relationship, columns named as in
// collaborations.csv; datetimes as epoch seconds.
MATCH (b:Brand)-[r:INVITED]->(c:Creator)
RETURN r.collaboration_id AS collaboration_id, b.brand_id AS brand_id, c.creator_id AS creator_id,
       r.campaign_id AS campaign_id, r.invited_at.epochSeconds AS invited_at, r.status AS status,
       r.responded_at.epochSeconds AS responded_at, r.due_at.epochSeconds AS due_at,
       r.delivered_at.epochSeconds AS delivered_at, r.deliverables_promised AS deliverables_promised,
       r.deliverables_delivered AS deliverables_delivered, r.fee AS fee, r.gmv AS gmv, r.rating AS rating

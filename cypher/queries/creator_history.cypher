// A creator's collaboration history, newest first
// :params {creator_id: 'C0000042', limit: 50}
//
// Every invitation the creator received: which brand and campaign, the outcome, how fast
// they answered, whether they delivered on time, fee, sales (GMV) and the brand's rating.
//
// @param creator_id string  the creator (creator_id)
// @param limit int = 50  how many invitations
MATCH (b:Brand)-[r:INVITED]->(c:Creator {creator_id: $creator_id})
RETURN r.invited_at AS invited_at, b.brand_id AS brand_id, b.name AS brand, r.campaign_id AS campaign_id,
       r.status AS status,
       CASE WHEN r.responded_at IS NULL THEN null
            ELSE round(duration.inSeconds(r.invited_at, r.responded_at).seconds / 3600.0, 1) END AS hours_to_answer,
       r.deliverables_delivered AS delivered, r.deliverables_promised AS promised,
       CASE WHEN r.delivered_at IS NULL OR r.due_at IS NULL THEN null
            ELSE r.delivered_at <= r.due_at END AS on_time,
       round(r.fee, 2) AS fee, round(r.gmv, 2) AS gmv, r.rating AS rating
ORDER BY invited_at DESC
LIMIT toInteger($limit)

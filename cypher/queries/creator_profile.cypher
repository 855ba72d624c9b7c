// One creator at a glance
// :params {creator_id: 'C0000042'}
//
// Profile, indices (after `creatormatch neo4j push`), categories, video totals and
// collaboration counts of a creator.
//
// @param creator_id string  the creator (creator_id)
MATCH (c:Creator {creator_id: $creator_id})
OPTIONAL MATCH (c)-[:PRIMARY_CATEGORY]->(k:Category)
CALL (c) {
  OPTIONAL MATCH (c)-[:POSTED]->(v:VideoLog)
  RETURN sum(v.videos) AS videos, sum(v.total_views) AS views, sum(v.total_gmv) AS video_gmv,
         max(v.last_posted_at) AS last_video
}
CALL (c) {
  OPTIONAL MATCH (c)<-[r:INVITED]-(:Brand)
  RETURN count(r) AS invitations, count(CASE WHEN r.status IN ['accepted', 'completed'] THEN 1 END) AS accepted
}
RETURN c.creator_id AS creator_id, c.handle AS handle, c.market AS market, c.followers AS followers,
       c.rate_per_video AS rate_per_video, k.name AS primary_category, c.top_category_id AS top_category,
       {cooperation_index: round(c.cooperation_index, 1), consistency_index: round(c.consistency_index, 1),
        diligence_index: round(c.diligence_index, 1), content_volume_index: round(c.content_volume_index, 1),
        content_success_index: round(c.content_success_index, 1), sales_uplift_index: round(c.sales_uplift_index, 1)} AS indices,
       videos, views, round(video_gmv, 2) AS video_gmv, last_video, invitations, accepted

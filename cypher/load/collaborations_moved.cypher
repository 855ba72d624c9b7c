// Delete the INVITED relationships of these collaborations whose brand or creator is no
// longer the one in the row (the collaboration moved), so collaborations.cypher can
// create them at their new place. Row: as for collaborations.cypher.
UNWIND $rows AS row
MATCH (ob:Brand)-[old:INVITED {collaboration_id: row.collaboration_id}]->(oc:Creator)
WHERE ob.brand_id <> row.brand_id OR oc.creator_id <> row.creator_id
DELETE old
RETURN count(*) AS rows

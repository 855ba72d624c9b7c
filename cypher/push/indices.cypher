// Write the creator indices as Creator properties: <index>_index (0-100, absent = not
// available), <index>_evidence, top_category_id, top_category_influence, indices_model.
// Row: {creator_id, props}.
UNWIND $rows AS row
MATCH (c:Creator {creator_id: row.creator_id})
SET c += row.props
RETURN count(*) AS rows

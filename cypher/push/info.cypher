// Record the last push on the (:DatasetInfo {key: 'dataset'}) node.
MERGE (d:DatasetInfo {key: 'dataset'})
SET d += $props
RETURN count(*) AS rows

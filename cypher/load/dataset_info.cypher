// Record what was loaded on the single (:DatasetInfo {key: 'dataset'}) node: contract
// version, CSV fingerprint, content digest, files present, derived files, row counts.
MERGE (d:DatasetInfo {key: 'dataset'})
SET d += $props
RETURN count(*) AS rows

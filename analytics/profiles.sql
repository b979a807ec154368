-- The live profiles of one tenant, each as its JSON document: what the uplift per campaign is computed from
-- (core/campaign/uplift.ts), read from an export instead of the table. Parameter 1: the tenant id.
-- Shared by Athena (the analytics workgroup, cdk/constructs/analytics.ts) and DuckDB (local/analytics/duckdb-analytics.ts).
SELECT profile_id, doc
FROM profiles
WHERE tenant_id = ?
ORDER BY profile_id

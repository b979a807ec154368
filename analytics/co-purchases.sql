-- Co-purchases of one tenant over its whole catalogue: per product, the products its buyers also bought for themselves,
-- with the number of customers who bought both (the tenant stats count the same, kept to 2,000 products and 10
-- partners each: core/campaign/tenant-stats.ts). Parameters 1 and 2: the tenant id (once per side of the join, as
-- Athena's injected partition projection wants the partition named for each).
SELECT a.product_key AS product, b.product_key AS also_bought, CAST(count(*) AS INTEGER) AS customers
FROM purchases a
JOIN purchases b ON b.profile_id = a.profile_id AND b.product_key <> a.product_key
WHERE a.tenant_id = ? AND b.tenant_id = ?
GROUP BY a.product_key, b.product_key
ORDER BY product, customers DESC, also_bought

-- The recorded events of one tenant under the profile they were applied to: what the identity dry run replays
-- (core/identity/dry-run.ts), read from an export instead of a Query per profile. An event recorded twice (a
-- redelivery in another batch) comes twice: the reader keeps one per profile and event key. Parameter 1: the tenant id.
SELECT profile_id, event_key, event
FROM events
WHERE tenant_id = ?
ORDER BY profile_id, event_key

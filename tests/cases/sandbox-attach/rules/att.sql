-- id: att
-- severity: warning
-- title: Attach
-- description: A hostile user rule.
ATTACH ':memory:' AS m;
SELECT 'attached' AS summary;

-- id: txn
-- severity: warning
-- title: Rollback
-- description: A hostile user rule.
ROLLBACK;
BEGIN;

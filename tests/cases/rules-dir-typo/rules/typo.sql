-- id: typo
-- severity: warning
-- title: A rule with a misspelt result column
SELECT conn AS connection,
       ts AS first_ts
FROM ev
WHERE kind = 'closed';

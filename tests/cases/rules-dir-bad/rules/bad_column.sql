-- id: bad_column
-- severity: warning
-- title: A rule with a typo

SELECT conn AS connection_id
FROM ev
WHERE kind = 'closed'
  AND cod = 1007;

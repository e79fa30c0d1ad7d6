-- id: wipe
-- severity: info
-- title: A rule that tries to change the database
DELETE FROM events;

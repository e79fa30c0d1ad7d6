-- id: tok
-- severity: warning
-- title: Tokenizer
-- description: A hostile user rule.
SELECT hex(fts3_tokenizer('simple')) AS summary;

-- When an account proved its address (the link mailed to it was followed). Accounts made before
-- verification existed got their welcome bonus at registration: they count as verified then.
alter table users add column email_verified_at text;
update users set email_verified_at = created_at;

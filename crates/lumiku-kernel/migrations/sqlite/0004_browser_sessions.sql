-- Browser sessions: a session opened from the web dashboard is carried by an HttpOnly cookie
-- whose SHA-256 is kept here (the cookie itself is never stored).
alter table sessions add column cookie_hash text;
create unique index sessions_cookie_idx on sessions (cookie_hash);

//! The seed's per-app checklist for Project Manager, on SQLite and PostgreSQL.

mod checklist;
mod concurrency;
mod gate;
mod pages;
mod registry;

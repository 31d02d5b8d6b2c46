//! The seed's per-app checklist for Project Manager, on SQLite and PostgreSQL.

mod checklist;
mod concurrency;
mod gate;
mod listing;
mod pages;
mod registry;

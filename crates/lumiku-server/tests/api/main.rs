//! The kernel's HTTP suite: every test drives a real server on a random port, once on SQLite and
//! once on PostgreSQL (when LUMIKU_TEST_POSTGRES_URL is set).

mod api_keys;
mod audit;
mod auth;
mod billing;
mod cors;
mod credits;
mod devices;
mod errors;
mod export;
mod fake_duitku;
mod installs;
mod metrics;
mod openapi;
mod outage;
mod payments;
mod rls;
mod security;
mod storage;
mod tenants;
mod upgrade;
mod wall;
mod web;
mod webhooks;

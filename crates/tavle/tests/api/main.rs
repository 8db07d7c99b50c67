//! Integration tests: each starts the real app on a random port against a fresh database and
//! talks HTTP to it. Every test runs twice, on SQLite and on PostgreSQL (`both_backends!`).
//! Without a PostgreSQL server the PostgreSQL half is skipped with a printed reason, unless
//! `TAVLE_TEST_POSTGRES_REQUIRED=1` makes that a failure.

mod harness;

mod accounts;
mod audit;
mod cli;
mod consents;
mod cookies;
mod errors;
mod import;
mod learning_api;
mod learning_pages;
mod newsletter;
mod operations;
mod organisations;
mod people;
mod policies;
mod privacy_documents;
mod registry;
mod visibility;

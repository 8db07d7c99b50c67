//! What the database holds, read from its own catalogue: the schema-coverage test checks every
//! column against the data registry with it.

use crate::{Db, Result, with_dialect};

/// Every `(table, column)` of Tavle's tables (not the migration bookkeeping), sorted.
pub async fn columns(db: &mut Db) -> Result<Vec<(String, String)>> {
    let mut rows: Vec<(String, String)> = with_dialect!(db,
        sqlite: "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\'",
        postgres: "SELECT table_name::text, column_name::text FROM information_schema.columns \
                   WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%' ESCAPE '\\'",
        |c, sql| sqlx::query_as(sql).fetch_all(&mut *c).await
    )?;
    rows.sort();
    Ok(rows)
}

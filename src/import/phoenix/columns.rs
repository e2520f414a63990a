//! A Phoenix spans dataframe saved with pandas' default `to_json()` (`{column: {row index:
//! value}}`), read back row by row.

use super::super::{jsonv, shape_error, Format, ImportError};
use super::span::Span;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A dataframe written with pandas' default `to_json()`: `{column: {row index: value}}`. Each row
/// is put back together from its cells, in the order its index first appears, and read as one span.
pub(super) fn spans(body: &str, format: Format) -> Result<Vec<Span>, ImportError> {
    let cols = match serde_json::from_str::<Value>(body).map_err(|e| shape_error(format, &e))? {
        Value::Object(cols) => cols,
        other => return Err(jsonv::wrong_shape(format, "an object of columns", &other)),
    };
    let mut rows: Vec<Map<String, Value>> = Vec::new();
    let mut row_of: HashMap<String, usize> = HashMap::new();
    for (key, cells) in cols {
        let Value::Object(cells) = cells else {
            return Err(jsonv::wrong_shape(format, "a column: an object of cells", &cells));
        };
        for (index, value) in cells {
            let i = *row_of.entry(index).or_insert_with(|| {
                rows.push(Map::new());
                rows.len().saturating_sub(1)
            });
            if let Some(row) = rows.get_mut(i) {
                row.insert(key.clone(), value);
            }
        }
    }
    Ok(rows.into_iter().filter_map(|r| Span::read(Value::Object(r))).collect())
}

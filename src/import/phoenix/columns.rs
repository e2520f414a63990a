//! A Phoenix spans dataframe saved with pandas' default `to_json()` (`{column: {row index:
//! value}}`), read back row by row.

use super::super::{shape_error, Format, ImportError};
use super::span::Span;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;

/// A dataframe written with pandas' default `to_json()`: `{column: {row index: value}}`. Each row
/// is put back together from its cells (kept as raw text) and read as one span.
pub(super) fn spans(body: &str, format: Format) -> Result<Vec<Span>, ImportError> {
    let err = |e: serde_json::Error| shape_error(format, &e);
    let ColumnMap(cols) = serde_json::from_str::<ColumnMap>(body).map_err(err)?;
    let mut rows: Vec<String> = Vec::new();
    let mut row_of: HashMap<String, usize> = HashMap::new();
    for (key, cells) in cols {
        let key = serde_json::to_string(&key).map_err(err)?;
        for (index, raw) in cells {
            let i = *row_of.entry(index).or_insert_with(|| {
                rows.push(String::from("{"));
                rows.len() - 1
            });
            let row = &mut rows[i];
            if row.len() > 1 {
                row.push(',');
            }
            row.push_str(&key);
            row.push(':');
            row.push_str(raw.get());
        }
    }
    rows.into_iter()
        .map(|mut r| {
            r.push('}');
            serde_json::from_str(&r).map_err(err)
        })
        .collect()
}

/// An object of objects read in order, each value raw: serde's maps would lose the order of rows.
struct ColumnMap(Vec<(String, Cells)>);

/// One column's cells: the row index and the raw value.
type Cells = Vec<(String, Box<RawValue>)>;

impl<'de> Deserialize<'de> for ColumnMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs<T>(Vec<(String, T)>);
        impl<'de, T: Deserialize<'de>> Deserialize<'de> for Pairs<T> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V<T>(std::marker::PhantomData<T>);
                impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
                    type Value = Pairs<T>;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Pairs<T>, A::Error> {
                        let mut out = Vec::new();
                        while let Some((k, v)) = m.next_entry::<String, T>()? {
                            out.push((k, v));
                        }
                        Ok(Pairs(out))
                    }
                }
                d.deserialize_map(V(std::marker::PhantomData))
            }
        }
        let outer: Pairs<Pairs<Box<RawValue>>> = Pairs::deserialize(d)?;
        Ok(ColumnMap(outer.0.into_iter().map(|(k, v)| (k, v.0)).collect()))
    }
}

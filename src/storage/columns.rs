//! How each type a table row holds becomes a polars column. Rows keep
//! what is cheap to keep (shared names, static words, exact amounts as
//! integers) and the text of a column is made only when it is written.

use polars::prelude::*;

use crate::metrics::name::Name;

/// A type a [`crate::table!`] row may hold.
pub trait ColumnValue: Sized {
    /// The column of `values`, named `name` (taking their memory where
    /// polars can).
    fn column(name: &str, values: Vec<Self>) -> Column {
        Self::column_of(name, &values)
    }

    /// The column of a copy of `values`, named `name` (so that their
    /// buffer can be filled again).
    fn column_of(name: &str, values: &[Self]) -> Column;
}

/// Types polars takes as they are.
macro_rules! native_columns {
    ($($ty:ty),*) => {$(
        impl ColumnValue for $ty {
            fn column(name: &str, values: Vec<Self>) -> Column {
                Column::new(name.into(), values)
            }

            fn column_of(name: &str, values: &[Self]) -> Column {
                Column::new(name.into(), values)
            }
        }
    )*};
}

native_columns!(u64, u32, f64, bool, Option<f64>, String);

/// Text from borrowed strings, without a `String` per row.
fn text_column<'a>(name: &str, values: impl Iterator<Item = &'a str>) -> Column {
    StringChunked::from_iter_values(name.into(), values).into_column()
}

impl ColumnValue for Name {
    fn column_of(name: &str, values: &[Self]) -> Column {
        text_column(name, values.iter().map(Name::as_str))
    }
}

impl ColumnValue for &'static str {
    fn column_of(name: &str, values: &[Self]) -> Column {
        text_column(name, values.iter().copied())
    }
}

/// Exact token amounts in smallest units: Parquet has no 128-bit integer,
/// so they are written as decimal strings (the Python package and the
/// notebooks parse them back exactly).
impl ColumnValue for u128 {
    fn column_of(name: &str, values: &[Self]) -> Column {
        use std::fmt::Write;
        let mut builder = StringChunkedBuilder::new(name.into(), values.len());
        let mut text = String::new();
        for v in values {
            text.clear();
            write!(text, "{v}").expect("writing to a String does not fail");
            builder.append_value(&text);
        }
        builder.finish().into_column()
    }
}

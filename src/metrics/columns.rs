//! Typed table rows (`table!`: a row type and its columnar buffer) and
//! how each type a row holds becomes a polars column. Rows keep
//! what is cheap to keep (shared names, static words, exact amounts as
//! integers) and the text of a column is made only when it is written.

use polars::prelude::*;

use crate::metrics::name::Name;

/// Defines a row type and its columnar buffer.
macro_rules! table {
    ($(#[$m:meta])* $row:ident, $buf:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $row { $($(#[$fm])* pub $field: $ty),* }

        #[doc = concat!("Columns of [`", stringify!($row), "`] rows.")]
        #[derive(Clone, Debug, Default)]
        pub struct $buf { $(#[doc = stringify!($field)] pub $field: Vec<$ty>),* }

        impl $buf {
            /// Appends a row.
            pub fn push(&mut self, r: $row) {
                $(self.$field.push(r.$field);)*
            }

            /// Rows buffered.
            pub fn len(&self) -> usize {
                [$(self.$field.len()),*][0]
            }

            /// Whether no row is buffered.
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// A copy of the buffered rows as a frame.
            #[allow(dead_code, reason = "a table written whole takes its rows")]
            pub fn frame(&self) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
                polars::prelude::DataFrame::new_infer_height(vec![
                    $(<$ty as $crate::metrics::columns::ColumnValue>::column_of(
                        stringify!($field),
                        &self.$field,
                    )),*
                ])
            }

            /// Empties the buffer, keeping its memory.
            #[allow(dead_code, reason = "a table written whole takes its rows")]
            pub fn clear(&mut self) {
                $(self.$field.clear();)*
            }

            /// The buffered rows as a frame; the buffer is left empty.
            pub fn take_frame(&mut self) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
                polars::prelude::DataFrame::new_infer_height(vec![
                    $(<$ty as $crate::metrics::columns::ColumnValue>::column(
                        stringify!($field),
                        std::mem::take(&mut self.$field),
                    )),*
                ])
            }
        }

        impl $crate::metrics::columns::RowGroupBuffer for $buf {
            fn with_room(rows: usize) -> Self {
                $buf { $($field: Vec::with_capacity(rows)),* }
            }
        }
    };
}

pub(crate) use table;

/// A table's column buffers, made with room for a row group at once: filled
/// without growing (copying and faulting in twice the memory as they double).
pub trait RowGroupBuffer {
    /// Empty columns with room for `rows` rows.
    fn with_room(rows: usize) -> Self;
}

/// A type a [`table!`] row may hold.
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

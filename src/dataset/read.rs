//! Reads the CSV files of a dataset folder into records, and knows where each field of each
//! record stands in its file, so that every problem can be reported as
//! `file:line:column: message`, the form editors and CI annotations jump to.

use csv::{Position, StringRecord};
use serde::de::DeserializeOwned;
use serde_aux::serde_introspection::serde_introspect;
use std::collections::HashMap;
use std::fmt;

/// Where a problem stands: a file, and a line and a column counted from 1, as editors count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spot {
    pub file: String,
    pub line: u64,
    pub column: u64,
}

/// One problem with a dataset folder: what is wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub spot: Spot,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Spot { file, line, column } = &self.spot;
        write!(f, "{file}:{line}:{column}: {}", self.message)
    }
}

/// How one file was laid out: its text, header and where each record starts.
#[derive(Debug)]
struct FileLayout {
    /// The name problems give the file: the path the user passed, joined with its name.
    shown_as: String,
    text: String,
    headers: StringRecord,
    starts: Vec<Position>,
}

/// Where every record of every file stands.
#[derive(Debug, Default)]
pub struct Layout {
    files: HashMap<&'static str, FileLayout>,
}

impl Layout {
    /// The spot of `column` in the `row`-th record (from 0) of `file`; the start of the
    /// record if the file has no such column.
    pub fn spot(&self, file: &str, row: usize, column: &str) -> Spot {
        let Some(layout) = self.files.get(file) else {
            return Spot {
                file: file.to_owned(),
                line: 1,
                column: 1,
            };
        };
        let field = layout.headers.iter().position(|header| header == column);
        match layout.starts.get(row) {
            Some(start) => layout.locate(start, field.unwrap_or(0)),
            None => layout.header_spot(field.unwrap_or(0)),
        }
    }

    /// A problem at `column` of the `row`-th record of `file`.
    pub fn problem(
        &self,
        file: &str,
        row: usize,
        column: &str,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            spot: self.spot(file, row, column),
            message: message.into(),
        }
    }
}

impl FileLayout {
    fn header_spot(&self, field: usize) -> Spot {
        let mut line_one = Position::new();
        line_one.set_line(1);
        self.locate(&line_one, field)
    }

    /// Walks the record's raw text to the start of its `field`-th field: quoted fields may
    /// hold commas and line breaks, which the csv crate's positions do not resolve.
    fn locate(&self, start: &Position, field: usize) -> Spot {
        let mut line = start.line();
        let mut column = 1;
        let mut current = 0;
        let mut quoted = false;
        let offset = usize::try_from(start.byte()).unwrap_or(usize::MAX);
        for c in self.text.get(offset..).unwrap_or_default().chars() {
            if current == field {
                break;
            }
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => current += 1,
                '\n' if !quoted => break,
                _ => {}
            }
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        Spot {
            file: self.shown_as.clone(),
            line,
            column,
        }
    }
}

/// A file split into its header and raw records, and the problem that stopped the split.
struct Split {
    headers: StringRecord,
    records: Vec<StringRecord>,
    broken: Vec<(u64, String)>,
}

fn split(text: &str) -> Result<Split, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::None)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|error| error.kind_text())?.clone();
    let mut records = Vec::new();
    let mut broken = Vec::new();
    // A record of the wrong length is consumed whole, so reading goes on after it.
    for record in reader.records() {
        match record {
            Ok(record) => records.push(record),
            Err(error) => broken.push((
                error.position().map_or(1, Position::line),
                error.kind_text(),
            )),
        }
    }
    Ok(Split {
        headers,
        records,
        broken,
    })
}

/// Reads one file's records, adding every problem it finds to `problems`: unknown and
/// missing columns (then no record is read), and every field that does not parse.
pub fn records<T: DeserializeOwned>(
    file: &'static str,
    shown_as: String,
    text: String,
    layout: &mut Layout,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    let split = match split(&text) {
        Ok(split) => split,
        Err(cause) => {
            problems.push(Problem {
                spot: Spot {
                    file: shown_as,
                    line: 1,
                    column: 1,
                },
                message: format!("the header does not read: {cause}"),
            });
            return Vec::new();
        }
    };
    let mut file_layout = FileLayout {
        shown_as,
        text,
        starts: Vec::new(),
        headers: split.headers,
    };
    let header_problems = file_layout.check_header(serde_introspect::<T>());
    let mut rows = Vec::new();
    if header_problems.is_empty() {
        // `starts` follows `rows`, so that a row's index finds its spot.
        for record in &split.records {
            match record.deserialize::<T>(Some(&file_layout.headers)) {
                Ok(row) => {
                    rows.push(row);
                    file_layout
                        .starts
                        .push(record.position().cloned().unwrap_or_else(Position::new));
                }
                Err(error) => problems.push(file_layout.field_problem(record, &error)),
            }
        }
        for (line, cause) in split.broken {
            problems.push(Problem {
                spot: Spot {
                    file: file_layout.shown_as.clone(),
                    line,
                    column: 1,
                },
                message: format!("the record does not read: {cause}"),
            });
        }
    }
    problems.extend(header_problems);
    layout.files.insert(file, file_layout);
    rows
}

impl FileLayout {
    fn check_header(&self, expected: &[&str]) -> Vec<Problem> {
        let at = |field: usize, message: String| Problem {
            spot: self.header_spot(field),
            message,
        };
        let mut problems = Vec::new();
        let columns = expected.join(", ");
        for (index, header) in self.headers.iter().enumerate() {
            if !expected.contains(&header) {
                problems.push(at(
                    index,
                    format!("unknown column {header:?}; the columns are {columns}"),
                ));
            } else if self.headers.iter().take(index).any(|seen| seen == header) {
                problems.push(at(index, format!("column {header:?} appears twice")));
            }
        }
        for column in expected {
            if !self.headers.iter().any(|header| header == *column) {
                problems.push(at(0, format!("missing column {column:?}")));
            }
        }
        problems
    }

    fn field_problem(&self, record: &StringRecord, error: &csv::Error) -> Problem {
        let (field, cause) = match error.kind() {
            csv::ErrorKind::Deserialize { err, .. } => (
                err.field()
                    .and_then(|field| usize::try_from(field).ok())
                    .unwrap_or(0),
                err.kind().to_string(),
            ),
            _ => (0, error.kind_text()),
        };
        let column = self.headers.get(field).unwrap_or_default();
        let value = record.get(field).unwrap_or_default();
        let start = record.position().cloned().unwrap_or_else(Position::new);
        Problem {
            spot: self.locate(&start, field),
            message: format!("{column}: {value:?} does not read ({cause})"),
        }
    }
}

trait KindText {
    fn kind_text(&self) -> String;
}

impl KindText for csv::Error {
    /// The error without the position csv's own text starts with, which the spot gives.
    fn kind_text(&self) -> String {
        match self.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("it has {len} fields where the header has {expected_len}"),
            csv::ErrorKind::Utf8 { .. } => "it is not UTF-8 text".to_owned(),
            _ => self.to_string(),
        }
    }
}

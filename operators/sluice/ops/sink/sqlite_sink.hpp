#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::sink {

/// `sink.sqlite`: writes records into a table of an SQLite database (the
/// embedded default store). `open()` creates the parent folders, the
/// database and, if absent, the table from the input schema (INTEGER, REAL,
/// TEXT; bools as 0/1, timestamps as ISO-8601 text with milliseconds), and
/// sets WAL mode with synchronous=NORMAL so readers can query the table while
/// the pipeline runs. Each batch is one transaction through one prepared
/// statement: a plain INSERT (`mode: append`) or an upsert on `key` (`mode:
/// upsert`), which makes re-emitted results (corrected windows) idempotent.
/// A row the database refuses (a constraint, a null key) goes to `errors`;
/// any other database failure stops the run, naming the file and the table.
core::descriptor sqlite_sink_descriptor();

} // namespace sluice::ops::sink

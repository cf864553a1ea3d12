#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops {

/// `sink.file`: writes every record to a file as JSON lines or CSV. `open()`
/// creates the parent folders and truncates the file; `close()` flushes.
/// With `rotate` (bytes), a file that reaches that size (header included) is
/// closed after the record that filled it and renamed to `path.N`, N counting
/// up from one past the highest existing `path.N` (so earlier rotated files
/// are never overwritten), and writing goes on in a new `path` (a CSV file
/// starts with its header again). Files are cut between records only.
core::descriptor file_sink_descriptor();

} // namespace sluice::ops

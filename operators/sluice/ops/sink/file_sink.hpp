#pragma once

#include <cstddef>
#include <string>

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::sink {

/// `sink.file`: writes every record to a file as JSON lines or CSV. `open()`
/// creates the parent folders and truncates the file; `close()` flushes.
/// With `rotate` (bytes), a file that reaches that size (header included) is
/// closed after the record that filled it and renamed to `path.N`, N counting
/// up from one past the highest existing `path.N` (so earlier rotated files
/// are never overwritten), and writing goes on in a new `path` (a CSV file
/// starts with its header again). Files are cut between records only.
/// At parallelism > 1 every instance writes its own file (instance_path).
/// With checkpoints, output is committed in two phases and is exactly-once:
/// the target only ever holds records of complete checkpoints (file_sink.cpp,
/// staged_file.hpp).
core::descriptor file_sink_descriptor();

/// The file that instance `instance` of `parallelism` writes: `path` itself
/// when alone, else `-<instance>` inserted before the extension
/// ("out/x.jsonl" -> "out/x-2.jsonl"), so instances never share a file.
std::string instance_path(const std::string& path, std::size_t instance, std::size_t parallelism);

} // namespace sluice::ops::sink

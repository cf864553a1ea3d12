#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::source {

/// `source.file`: reads JSON lines or CSV (with a header) from a file or the
/// files a glob names (in sorted order), into records of a given or inferred
/// schema (inferred in the factory, so the validator knows it). A record that
/// cannot be read goes to the `errors` port as {file, line, text} with the
/// reason ("line 17: field 'price': expected double, got string"); reading
/// goes on. With `follow`, the last file is followed like `tail -F`: at end
/// of file poll() returns wait(poll_interval); truncation rereads it from the
/// start, rotation (the path names a new file) reads the old one out and
/// reopens the path. Parallel instance i of N reads files i, i+N, ...
core::descriptor file_source_descriptor();

} // namespace sluice::ops::source

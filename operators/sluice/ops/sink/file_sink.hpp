#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops {

/// `sink.file`: writes every record to a file as JSON lines or CSV. `open()`
/// creates the parent folders and truncates the file; `close()` flushes.
core::descriptor file_sink_descriptor();

} // namespace sluice::ops

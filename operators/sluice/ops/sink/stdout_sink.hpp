#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::sink {

/// `sink.stdout`: writes every record to standard output as JSON lines or CSV.
core::descriptor stdout_sink_descriptor();

} // namespace sluice::ops::sink

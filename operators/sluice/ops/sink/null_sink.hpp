#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::sink {

/// `sink.null`: counts and discards every record (benchmarks, dry runs).
core::descriptor null_sink_descriptor();

} // namespace sluice::ops::sink

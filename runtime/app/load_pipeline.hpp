#pragma once

#include <optional>
#include <string>

#include "sluice/core/pipeline/validator.hpp"

namespace sluice::app {

/// Loads and checks `file` against the built-in operators. Prints every
/// problem to stderr, prefixed with the file name, and returns nullopt if
/// there is any.
std::optional<core::pipeline::checked_pipeline> load_checked(const std::string& file);

} // namespace sluice::app

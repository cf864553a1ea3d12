#pragma once

#include <string>
#include <vector>

namespace sluice::ops {

/// True if `pattern` holds a glob(3) wildcard (*, ?, [).
bool has_glob_chars(const std::string& pattern);

/// The regular files `pattern` names (glob(3), with ~ expansion), sorted by
/// byte order; a plain path names itself if it exists. Empty if none.
std::vector<std::string> expand_glob(const std::string& pattern);

} // namespace sluice::ops

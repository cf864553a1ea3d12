#pragma once

#include <string>
#include <vector>

namespace sluice::ops::source {

/// True if `pattern` holds a glob(3) wildcard (*, ?, [).
bool has_glob_chars(const std::string& pattern);

/// The regular files `pattern` names (glob(3), with ~ expansion), sorted by
/// byte order; a plain path names itself if it exists. Empty if none.
std::vector<std::string> expand_glob(const std::string& pattern);

/// Why expand_glob(pattern) found nothing, for a message: "'p' is a
/// directory, not a file", "'p' is not a regular file (a FIFO, socket or
/// device)", or "no file matches 'p'".
std::string why_no_file(const std::string& pattern);

} // namespace sluice::ops::source

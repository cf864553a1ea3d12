#pragma once

#include <cstddef>
#include <string>

namespace sluice::ops::text {

/// Where the next record of a text buffer ends, as found by a reader's scan.
struct record_span {
  enum class status {
    complete,   ///< a whole record: parse it, then consume `consumed` bytes
    incomplete, ///< the buffer ends inside the record: read more first
    malformed,  ///< not a record (`reason`); consume `consumed` bytes and go on
  };
  status what = status::incomplete;
  std::size_t consumed = 0; ///< bytes of the record including its line end
  std::size_t length = 0;   ///< bytes of the record text without the line end
  std::size_t lines = 0;    ///< line ends inside `consumed` (for line numbers)
  std::string reason;       ///< for malformed
};

} // namespace sluice::ops::text

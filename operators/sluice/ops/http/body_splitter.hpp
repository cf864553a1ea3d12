#pragma once

// Cuts an HTTP request body into the texts of its records, without
// parsing them: the elements of a JSON array, or the lines of JSON lines,
// CSV or raw text. Each piece keeps its number (1-based) so that a record
// that fails can be named ("element 3", "line 7").

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::ops::http {

struct body_piece {
  std::string_view text;
  std::size_t number = 0; ///< line or element number, from 1
};

/// Whether `body` is a JSON array: its first non-blank character is '['.
bool is_json_array(std::string_view body);

/// The elements of the JSON array `body`, in order. Tracks only strings and
/// nesting, so a damaged element is found later, when it is read. False
/// (`reason` names the element) when the array itself is broken: not
/// closed, an empty element, text after it.
bool split_json_array(std::string_view body, std::vector<body_piece>& out, std::string& reason);

/// The lines of `body` ('\n' or "\r\n"), blank lines skipped; each piece's
/// number is its line number.
void split_lines(std::string_view body, std::vector<body_piece>& out);

} // namespace sluice::ops::http

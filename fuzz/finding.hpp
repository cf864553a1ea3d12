#pragma once

// Broken promises that are not crashes: a target checks what the code under
// test documents (a column has as many rows as its batch, a saved document
// loads back the same) and turns a violation into an abort, which libFuzzer
// records as a crash with the input that caused it.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "sluice/core/batch.hpp"

namespace sluice::fuzz {

[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "FINDING: %s\n", what.c_str());
  std::abort();
}

/// Checks `b` against the column contract of sluice/core/column.hpp: one
/// column per field of `expected` with its type, every column `rows()` long,
/// validity and string offsets consistent.
inline void check_batch(const core::batch& b, const core::schema& expected) {
  if (b.fields() != expected)
    finding("batch schema '" + b.fields().to_string() + "' is not '" + expected.to_string() + "'");
  if (b.num_columns() != expected.size()) finding("batch has a column count unlike its schema");
  for (std::size_t i = 0; i < b.num_columns(); ++i) {
    const auto& c = b.col(i);
    const auto where = "column '" + expected.at(i).name + "'";
    if (c.type() != expected.at(i).type) finding(where + " has the wrong type");
    if (c.size() != b.rows())
      finding(where + " has " + std::to_string(c.size()) + " rows in a batch of "
              + std::to_string(b.rows()));
    if (c.has_nulls() && c.valid.size() != b.rows()) finding(where + ": validity length differs");
    if (c.type() != core::value_type::string) continue;
    if (c.offsets.empty() || c.offsets.front() != 0 || c.offsets.back() != c.bytes.size())
      finding(where + ": string offsets do not span its bytes");
    for (std::size_t r = 1; r < c.offsets.size(); ++r)
      if (c.offsets[r] < c.offsets[r - 1]) finding(where + ": string offsets go backwards");
  }
}

} // namespace sluice::fuzz

#include "sluice/ops/source/record_reader.hpp"

#include <algorithm>

namespace sluice::ops::source {

void truncate_rows(core::batch_builder& out, std::size_t rows, std::size_t num_columns) {
  for (std::size_t i = 0; i < num_columns; ++i) {
    core::column& c = out.column_at(i);
    if (c.size() <= rows) continue;
    switch (c.type()) {
      case core::value_type::int64:
      case core::value_type::timestamp: c.ints.resize(rows); break;
      case core::value_type::float64: c.doubles.resize(rows); break;
      case core::value_type::boolean: c.bools.resize(rows); break;
      case core::value_type::string:
        c.offsets.resize(rows + 1);
        c.bytes.resize(c.offsets.back());
        break;
    }
    if (c.valid.size() > rows) c.valid.resize(rows);
  }
}

} // namespace sluice::ops::source

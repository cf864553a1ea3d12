#pragma once

// How a batch crosses a process boundary: CAF `inspect` overloads, so
// batches (and the protocol messages that carry them) can be serialised by
// CAF's binary serializer once nodes run on several processes. Locally,
// CAF passes the shared pointer without serialising anything.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>

#include "sluice/core/batch.hpp"

namespace sluice::exec {

struct wire_column {
  std::uint8_t type = 0;
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::uint8_t> bools;
  std::string bytes;
  std::vector<std::uint32_t> offsets;
  std::vector<std::uint8_t> valid;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_column& x) {
  return f(caf::meta::type_name("sluice::column"), x.type, x.ints, x.doubles, x.bools, x.bytes,
           x.offsets, x.valid);
}

/// A batch as plain serialisable members.
struct wire_batch {
  std::vector<std::string> names;
  std::uint64_t rows = 0;
  std::vector<wire_column> columns;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_batch& x) {
  return f(caf::meta::type_name("sluice::batch"), x.names, x.rows, x.columns);
}

wire_batch to_wire(const core::batch& b);
/// Rebuilds the batch; an inconsistent wire batch (column types or sizes
/// that do not match) gives a null pointer.
core::batch_ptr from_wire(const wire_batch& w);

} // namespace sluice::exec

namespace sluice::core {

// Found by argument-dependent lookup for std::shared_ptr<const batch>.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_ptr& x) {
  exec::wire_batch w;
  if (Inspector::reads_state && x) w = exec::to_wire(*x);
  auto load = [&]() -> caf::error {
    x = exec::from_wire(w);
    return caf::none;
  };
  return f(caf::meta::type_name("sluice::batch_ptr"), w, caf::meta::load_callback(load));
}

} // namespace sluice::core

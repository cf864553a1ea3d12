#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice/core/descriptor.hpp"

namespace sluice::core {

/// The one source of truth on operator kinds: the validator, the runtime,
/// `sluice operators` and the editor's palette all read it. Filled once at
/// start-up (see sluice::ops::register_builtins), then only read.
class registry {
public:
  /// Adds a kind; throws std::logic_error if the kind is already there.
  void add(descriptor d);
  const descriptor* find(std::string_view kind) const;
  const std::vector<descriptor>& all() const { return descriptors_; }

  /// The catalog as JSON: [{kind, category, summary, inputs, outputs, properties}];
  /// each property says whether it `shapes_state`.
  nlohmann::json catalog() const;

private:
  std::vector<descriptor> descriptors_;
};

} // namespace sluice::core

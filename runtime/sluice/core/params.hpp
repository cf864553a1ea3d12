#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice/core/descriptor.hpp"
#include "sluice/core/time.hpp"

namespace sluice::core {

/// A node's properties, checked against its descriptor's specs: no unknown
/// name, every required one present, each of the right JSON type, in range,
/// one of its choices, durations and timestamps parseable; defaults filled
/// in. The constructor throws param_error naming the first bad property.
/// Accessors take a name that must be in the specs.
class params {
public:
  params(const std::vector<property_spec>& specs, const nlohmann::json& raw);

  /// Given or defaulted.
  bool has(const std::string& name) const;
  const nlohmann::json& json(const std::string& name) const;

  std::int64_t integer(const std::string& name) const;
  double number(const std::string& name) const;
  bool boolean(const std::string& name) const;
  std::string string(const std::string& name) const;
  duration_us duration(const std::string& name) const;
  core::timestamp timestamp(const std::string& name) const;
  std::vector<std::string> strings(const std::string& name) const;
  /// A `secret` param's value: the string itself, or read from the
  /// environment variable or file it names (core/secrets.hpp). Reads, so
  /// call it when the instance opens, not at bind. Throws param_error when
  /// the variable is unset or the file unreadable; "" when absent.
  std::string secret(const std::string& name) const;

private:
  nlohmann::json values_;
};

} // namespace sluice::core

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sluice/core/value_type.hpp"

namespace sluice::core {

struct field {
  std::string name;
  value_type type;
  friend bool operator==(const field& a, const field& b) {
    return a.name == b.name && a.type == b.type;
  }
};

/// The ordered fields of every record on an edge. Immutable once shared;
/// known at plan time for every edge.
class schema {
public:
  schema() = default;
  explicit schema(std::vector<field> fields) : fields_(std::move(fields)) {}

  const std::vector<field>& fields() const { return fields_; }
  std::size_t size() const { return fields_.size(); }
  const field& at(std::size_t i) const { return fields_.at(i); }

  /// Index of the field named `name`, or -1.
  int index_of(std::string_view name) const;

  /// "seq:int, ts:timestamp, key:string"
  std::string to_string() const;

  friend bool operator==(const schema& a, const schema& b) { return a.fields_ == b.fields_; }
  friend bool operator!=(const schema& a, const schema& b) { return !(a == b); }

private:
  std::vector<field> fields_;
};

using schema_ptr = std::shared_ptr<const schema>;

inline schema_ptr make_schema(std::vector<field> fields) {
  return std::make_shared<const schema>(std::move(fields));
}

} // namespace sluice::core

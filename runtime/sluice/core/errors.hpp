#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace sluice::core {

/// A property of a node is missing, unknown, ill-typed or out of range, or an
/// expression in it does not compile. Thrown by operator factories; the
/// validator adds the node id. `position` is the 1-based column inside an
/// expression string, or 0.
class param_error : public std::runtime_error {
public:
  param_error(std::string param, const std::string& message, std::size_t position = 0)
    : std::runtime_error(message), param_(std::move(param)), position_(position) {}
  const std::string& param() const { return param_; }
  std::size_t position() const { return position_; }

private:
  std::string param_;
  std::size_t position_;
};

/// One record could not be processed (bad value, division by zero, ...).
/// `row` indexes the batch being processed. Thrown by operator callbacks and
/// expression evaluation; the node's `on_error` policy decides what happens.
class record_error : public std::runtime_error {
public:
  record_error(std::size_t row, const std::string& reason)
    : std::runtime_error(reason), row_(row) {}
  std::size_t row() const { return row_; }

private:
  std::size_t row_;
};

} // namespace sluice::core

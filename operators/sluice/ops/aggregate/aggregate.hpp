#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice/core/column.hpp"
#include "sluice/core/schema.hpp"

namespace sluice::core {
class state_writer;
class state_reader;
} // namespace sluice::core

namespace sluice::ops::aggregate {

/// The running state of one aggregate for one group (a key in a window).
/// Memory stays bounded per group: exact states are O(1) except
/// count_distinct; sketches have a fixed size.
class aggregate_state {
public:
  virtual ~aggregate_state() = default;
  /// Adds row `row` of the aggregate's input column (`input` is null for
  /// count without a field, which counts rows). Null values are skipped, as
  /// SQL aggregates do.
  virtual void add(const core::column* input, std::size_t row) = 0;
  /// Folds `other` (a state of the same function) into this one: sliding
  /// windows combine panes, parallel instances combine partial results.
  virtual void merge(const aggregate_state& other) = 0;
  /// Appends the current result to `out` (a column of the function's
  /// result_type()). With nothing added: count gives 0, others give null.
  virtual void result(core::column& out) const = 0;

  /// Writes everything the state holds (docs/ARCHITECTURE.md §11), in an
  /// order that does not depend on how it was built: restore then snapshot
  /// gives the same bytes.
  virtual void snapshot(core::state_writer& w) const = 0;
  /// Replaces this state (of the same function, from the same config) with
  /// what snapshot() wrote; throws core::state_error on a mismatch.
  virtual void restore(core::state_reader& r) = 0;
};

/// The states of one aggregate for many groups, held column-wise and
/// addressed by slot number: a window keeps one per aggregate for all its
/// groups, so a new group costs no allocation of its own and adding a batch
/// is one tight loop. Slots are numbered 0..size()-1; the owner recycles
/// them (reset) instead of shrinking.
class aggregate_slots {
public:
  virtual ~aggregate_slots() = default;
  virtual std::size_t size() const = 0;
  /// Appends empty slots until size() == n (n >= size()).
  virtual void grow(std::size_t n) = 0;
  /// For i < n: adds row rows[i] of `input` to slot slots[i] (`input` null:
  /// count rows). Nulls are skipped, as in aggregate_state::add.
  virtual void add(const core::column* input, const std::uint32_t* rows, const std::uint32_t* slots,
                   std::size_t n) = 0;
  /// For i < n, in order: folds slot from[i] of `other` (slots of the same
  /// function; may be this object, then to[i] != from[i]) into slot to[i];
  /// from[i] counts as the later input.
  virtual void merge(const std::uint32_t* to, const aggregate_slots& other,
                     const std::uint32_t* from, std::size_t n) = 0;
  /// Appends the results of slots[0..n), in that order, to `out`.
  virtual void results(const std::uint32_t* slots, std::size_t n, core::column& out) const = 0;
  /// Makes slots[0..n) empty again (as new).
  virtual void reset(const std::uint32_t* slots, std::size_t n) = 0;

  /// Writes the states of slots[0..n), in that order (as
  /// aggregate_state::snapshot does for one).
  virtual void snapshot(const std::uint32_t* slots, std::size_t n, core::state_writer& w) const = 0;
  /// Reads n states, as snapshot() wrote them, into slots[0..n) (all below
  /// size()), replacing what they held.
  virtual void restore(const std::uint32_t* slots, std::size_t n, core::state_reader& r) = 0;
};

/// One entry of a window's `aggregates` list, checked against the input
/// schema once; creates a state per group.
class aggregate_function {
public:
  aggregate_function(std::string name, int input_index)
    : name_(std::move(name)), input_index_(input_index) {}
  virtual ~aggregate_function() = default;

  /// The output field (`as`, or by default "<fn>_<field>", or "count").
  const std::string& name() const { return name_; }
  /// Index of the input field in the input schema, or -1 (count of rows).
  int input_index() const { return input_index_; }

  virtual core::value_type result_type() const = 0;
  virtual std::unique_ptr<aggregate_state> create() const = 0;
  /// Column-wise states for many groups. The default keeps one create()d
  /// state per slot; the exact aggregates override it with flat arrays.
  virtual std::unique_ptr<aggregate_slots> create_slots() const;

private:
  std::string name_;
  int input_index_;
};

using aggregate_list = std::vector<std::unique_ptr<aggregate_function>>;

/// Parses a window's `aggregates` param: a list of
/// {"fn": name, "field": input field, "as": output name, "p": .., "k": ..}.
/// Throws core::param_error(param, message) naming the entry ("aggregates[2]:
/// unknown function 'medain'", "aggregates[2]: sum needs a number field,
/// 'key' is a string"). Output names must be distinct.
aggregate_list make_aggregates(const nlohmann::json& list, const core::schema& input,
                               const std::string& param = "aggregates");

/// The names of every aggregate function, for help texts.
std::vector<std::string> aggregate_function_names();

} // namespace sluice::ops::aggregate

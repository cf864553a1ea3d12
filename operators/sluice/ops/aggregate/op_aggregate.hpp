#pragma once

// Builds an exact aggregate from one small "op" type, once for both forms of
// state: op_state (one group, aggregate_state) and op_slots (many groups in a
// flat vector, aggregate_slots). An op looks like
//
//   struct sum_op {
//     using state = ...;                 // value-initialised = empty
//     static constexpr bool counts_rows = false;  // true: accepts no input
//     void add(state&, const core::column& in, std::size_t row) const;  // row not null
//     void add_row(state&) const;        // only if counts_rows
//     void merge(state&, const state& later) const;
//     void result(const state&, core::column& out) const;
//     static void write(core::state_writer&, const state&);  // snapshot
//     static void read(core::state_reader&, state&);         // into an empty state
//   };
//
// write() must not depend on how the state was built (a hash set writes its
// values sorted), so that restore then snapshot gives the same bytes.
//
// An op whose state is an int64 that is its result, never null (count),
// sets `static constexpr bool int_state_is_result = true`: results are then
// copied in one loop.

#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sluice/core/state.hpp"
#include "sluice/ops/aggregate/aggregate.hpp"

namespace sluice::ops::aggregate {

template <class Op>
class op_state final : public aggregate_state {
public:
  explicit op_state(const Op& op) : op_(op) {}

  void add(const core::column* input, std::size_t row) override {
    if (!input) {
      if constexpr (Op::counts_rows) op_.add_row(state_);
      return;
    }
    if (!input->is_null(row)) op_.add(state_, *input, row);
  }
  void merge(const aggregate_state& other) override {
    const auto* o = dynamic_cast<const op_state*>(&other);
    if (!o) throw std::logic_error("aggregate_state::merge: states of different functions");
    op_.merge(state_, o->state_);
  }
  void result(core::column& out) const override { op_.result(state_, out); }
  void snapshot(core::state_writer& w) const override { Op::write(w, state_); }
  void restore(core::state_reader& r) override {
    state_ = typename Op::state{};
    Op::read(r, state_);
  }

private:
  Op op_;
  typename Op::state state_{};
};

template <class Op>
class op_slots final : public aggregate_slots {
public:
  explicit op_slots(const Op& op) : op_(op) {}

  std::size_t size() const override { return states_.size(); }
  void grow(std::size_t n) override {
    if (n > states_.size()) states_.resize(n);
  }

  void add(const core::column* input, const std::uint32_t* rows, const std::uint32_t* slots,
           std::size_t n) override {
    auto* s = states_.data();
    if (!input) {
      if constexpr (Op::counts_rows)
        for (std::size_t i = 0; i < n; ++i) op_.add_row(s[slots[i]]);
      return;
    }
    const core::column& in = *input;
    if (in.has_nulls()) {
      const std::uint8_t* valid = in.valid.data();
      for (std::size_t i = 0; i < n; ++i)
        if (valid[rows[i]]) op_.add(s[slots[i]], in, rows[i]);
    } else {
      for (std::size_t i = 0; i < n; ++i) op_.add(s[slots[i]], in, rows[i]);
    }
  }

  void merge(const std::uint32_t* to, const aggregate_slots& other, const std::uint32_t* from,
             std::size_t n) override {
    const auto* o = dynamic_cast<const op_slots*>(&other);
    if (!o) throw std::logic_error("aggregate_slots::merge: slots of different functions");
    auto* s = states_.data();
    const auto* f = o->states_.data();
    for (std::size_t i = 0; i < n; ++i) op_.merge(s[to[i]], f[from[i]]);
  }

  void results(const std::uint32_t* slots, std::size_t n, core::column& out) const override {
    if constexpr (int_result<Op>(0)) {
      const std::size_t base = out.ints.size();
      out.ints.resize(base + n);
      std::int64_t* dst = out.ints.data() + base;
      for (std::size_t i = 0; i < n; ++i) dst[i] = states_[slots[i]];
      if (!out.valid.empty()) out.valid.resize(base + n, 1);
    } else {
      for (std::size_t i = 0; i < n; ++i) op_.result(states_[slots[i]], out);
    }
  }

  void reset(const std::uint32_t* slots, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) states_[slots[i]] = typename Op::state{};
  }

  void snapshot(const std::uint32_t* slots, std::size_t n, core::state_writer& w) const override {
    for (std::size_t i = 0; i < n; ++i) Op::write(w, states_[slots[i]]);
  }
  void restore(const std::uint32_t* slots, std::size_t n, core::state_reader& r) override {
    for (std::size_t i = 0; i < n; ++i) {
      auto& s = states_.at(slots[i]);
      s = typename Op::state{};
      Op::read(r, s);
    }
  }

private:
  template <class O>
  static constexpr auto int_result(int) -> decltype(O::int_state_is_result, bool()) {
    return O::int_state_is_result;
  }
  template <class O>
  static constexpr bool int_result(long) {
    return false;
  }

  Op op_;
  std::vector<typename Op::state> states_;
};

/// An aggregate_function made of an op: `result` is the output type.
template <class Op>
class op_function final : public aggregate_function {
public:
  op_function(std::string name, int input_index, core::value_type result, Op op = Op{})
    : aggregate_function(std::move(name), input_index), result_(result), op_(std::move(op)) {}

  core::value_type result_type() const override { return result_; }
  std::unique_ptr<aggregate_state> create() const override {
    return std::make_unique<op_state<Op>>(op_);
  }
  std::unique_ptr<aggregate_slots> create_slots() const override {
    return std::make_unique<op_slots<Op>>(op_);
  }

private:
  core::value_type result_;
  Op op_;
};

template <class Op>
std::unique_ptr<aggregate_function> make_op_function(std::string name, int input_index,
                                                     core::value_type result) {
  return std::make_unique<op_function<Op>>(std::move(name), input_index, result);
}

} // namespace sluice::ops::aggregate

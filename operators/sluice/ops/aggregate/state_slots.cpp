// The default aggregate_function::create_slots: one create()d state per
// slot, for functions that only provide aggregate_state (the sketches).
#include <stdexcept>
#include <vector>

#include "sluice/ops/aggregate/aggregate.hpp"

namespace sluice::ops::aggregate {

namespace {

class state_slots final : public aggregate_slots {
public:
  explicit state_slots(const aggregate_function& fn) : fn_(fn) {}

  std::size_t size() const override { return states_.size(); }
  void grow(std::size_t n) override {
    while (states_.size() < n) states_.push_back(fn_.create());
  }
  void add(const core::column* input, const std::uint32_t* rows, const std::uint32_t* slots,
           std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) states_[slots[i]]->add(input, rows[i]);
  }
  void merge(const std::uint32_t* to, const aggregate_slots& other, const std::uint32_t* from,
             std::size_t n) override {
    const auto* o = dynamic_cast<const state_slots*>(&other);
    if (!o) throw std::logic_error("aggregate_slots::merge: slots of different functions");
    for (std::size_t i = 0; i < n; ++i) states_[to[i]]->merge(*o->states_[from[i]]);
  }
  void results(const std::uint32_t* slots, std::size_t n, core::column& out) const override {
    for (std::size_t i = 0; i < n; ++i) states_[slots[i]]->result(out);
  }
  void reset(const std::uint32_t* slots, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) states_[slots[i]] = fn_.create();
  }
  void snapshot(const std::uint32_t* slots, std::size_t n, core::state_writer& w) const override {
    for (std::size_t i = 0; i < n; ++i) states_[slots[i]]->snapshot(w);
  }
  void restore(const std::uint32_t* slots, std::size_t n, core::state_reader& r) override {
    for (std::size_t i = 0; i < n; ++i) states_.at(slots[i])->restore(r);
  }

private:
  const aggregate_function& fn_; ///< outlives its slots (both owned by the window)
  std::vector<std::unique_ptr<aggregate_state>> states_;
};

} // namespace

std::unique_ptr<aggregate_slots> aggregate_function::create_slots() const {
  return std::make_unique<state_slots>(*this);
}

} // namespace sluice::ops::aggregate

// CASE WHEN ... THEN ... ELSE ... END and coalesce(...): per row, one part
// of the expression gives the value.

#include <cstring>
#include <optional>

#include "sluice/core/expr/kernels.hpp"
#include "sluice/core/expr/nodes.hpp"
#include "sluice/core/expr/typing.hpp"

namespace sluice::core::expr {

namespace {

constexpr std::uint16_t undecided = 0xFFFF;

// Passes on the errors of `local` for the rows `keep` accepts.
template <class F>
void forward(row_errors& local, row_errors* errors, F&& keep) {
  for (std::size_t k = 0; k < local.rows.size(); ++k)
    if (keep(local.rows[k])) report(errors, local.rows[k], std::move(local.reasons[k]));
}

class case_node final : public node {
public:
  // In coalesce mode `branches_[k].when` is empty: a row takes argument k when
  // it is not null there.
  case_node(value_type t, std::vector<case_branch> branches, node_ptr otherwise)
    : node(t), branches_(std::move(branches)), otherwise_(std::move(otherwise)) {}

  column_ptr evaluate(const batch& b, row_errors* errors) const override {
    std::size_t n = b.rows(), parts = branches_.size() + 1;
    std::vector<std::uint16_t> choice(n, undecided);
    std::vector<std::optional<operand>> values(parts);
    std::vector<std::size_t> taken(parts, 0);
    std::size_t open = n;
    for (std::size_t k = 0; k < branches_.size() && open > 0; ++k) {
      const auto& br = branches_[k];
      row_errors local;
      operand test = evaluate_operand(br.when ? *br.when : *br.then, b, &local);
      forward(local, errors, [&](std::uint32_t row) { return choice[row] == undecided; });
      if (!br.when) values[k] = test;
      for (std::size_t i = 0; i < n; ++i) {
        if (choice[i] != undecided || !test.valid_at(i)) continue;
        if (br.when && !(test.lit ? test.lit->b : test.col->bools[i] != 0)) continue;
        choice[i] = static_cast<std::uint16_t>(k);
        ++taken[k];
        --open;
      }
    }
    if (otherwise_ && open > 0) {
      for (auto& c : choice)
        if (c == undecided) c = static_cast<std::uint16_t>(parts - 1);
      taken[parts - 1] = open;
    }
    for (std::size_t k = 0; k < parts; ++k) {
      if (values[k] || taken[k] == 0) continue;
      const node& part = k + 1 < parts ? *branches_[k].then : *otherwise_;
      row_errors local;
      values[k] = evaluate_operand(part, b, &local);
      forward(local, errors, [&](std::uint32_t row) { return choice[row] == k; });
    }
    return gather(choice, values, taken, n);
  }

private:
  column_ptr gather(const std::vector<std::uint16_t>& choice,
                    const std::vector<std::optional<operand>>& values,
                    const std::vector<std::size_t>& taken, std::size_t n) const {
    auto out = std::make_shared<column>(type());
    std::vector<std::uint8_t> valid(n, 0);
    bool any_null = false;
    for (std::size_t i = 0; i < n; ++i) {
      valid[i] = choice[i] != undecided && values[choice[i]]->valid_at(i);
      any_null |= !valid[i];
    }
    auto each = [&](auto&& with_reader, auto&& body) {
      for (std::size_t k = 0; k < values.size(); ++k) {
        if (taken[k] == 0) continue;
        with_reader(*values[k], [&](auto r) {
          for (std::size_t i = 0; i < n; ++i)
            if (choice[i] == k && valid[i]) body(i, r[i]);
        });
      }
    };
    auto ints = [](const operand& o, auto f) { with_number_reader<std::int64_t>(o, f); };
    auto doubles = [](const operand& o, auto f) { with_number_reader<double>(o, f); };
    auto bools = [](const operand& o, auto f) { with_bool_reader(o, f); };
    auto strings = [](const operand& o, auto f) { with_string_reader(o, f); };
    switch (type()) {
      case value_type::int64:
      case value_type::timestamp:
        out->ints.assign(n, 0);
        each(ints, [&](std::size_t i, std::int64_t v) { out->ints[i] = v; });
        break;
      case value_type::float64:
        out->doubles.assign(n, 0);
        each(doubles, [&](std::size_t i, double v) { out->doubles[i] = v; });
        break;
      case value_type::boolean:
        out->bools.assign(n, 0);
        each(bools, [&](std::size_t i, std::uint8_t v) { out->bools[i] = v; });
        break;
      case value_type::string: {
        auto& off = out->offsets;
        off.assign(n + 1, 0);
        each(strings, [&](std::size_t i, std::string_view v) {
          off[i + 1] = static_cast<std::uint32_t>(v.size());
        });
        std::size_t total = 0;
        for (std::size_t i = 0; i < n; ++i) {
          total += off[i + 1];
          if (total > UINT32_MAX)
            throw std::length_error("expression: strings exceed 4 GiB in one batch");
          off[i + 1] = static_cast<std::uint32_t>(total);
        }
        out->bytes.resize(total);
        each(strings, [&](std::size_t i, std::string_view v) {
          if (!v.empty()) std::memcpy(out->bytes.data() + off[i], v.data(), v.size());
        });
        break;
      }
    }
    if (any_null) out->valid = std::move(valid);
    return out;
  }

  std::vector<case_branch> branches_;
  node_ptr otherwise_;
};

node_ptr folded_if_constant(node_ptr n, const std::vector<case_branch>& branches,
                            const node_ptr& otherwise) {
  for (const auto& br : branches)
    if ((br.when && !is_constant(br.when)) || !is_constant(br.then)) return n;
  if (otherwise && !is_constant(otherwise)) return n;
  return fold_constant(std::move(n));
}

} // namespace

node_ptr make_case(std::vector<case_branch> branches, node_ptr otherwise) {
  value_type t = branches.front().then->type();
  auto n = std::make_shared<const case_node>(t, branches, otherwise);
  return folded_if_constant(n, branches, otherwise);
}

node_ptr make_coalesce(std::vector<node_ptr> args) {
  value_type t = args.front()->type();
  std::vector<case_branch> branches;
  for (auto& a : args) branches.push_back({nullptr, std::move(a)});
  auto n = std::make_shared<const case_node>(t, branches, nullptr);
  return folded_if_constant(n, branches, nullptr);
}

} // namespace sluice::core::expr
